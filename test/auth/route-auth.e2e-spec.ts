import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { listRoutes } from '../support/routes.js';

/**
 * Every route's authentication requirement, minimum role, API-key allowance, account-gate
 * exemption and throttle scope, as one reviewed table: any change to access rules shows up in
 * the snapshot diff. The last column is the file of the route's controller.
 */
describe('route access table', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ redis: false });
  });
  afterAll(() => t.close());

  it('matches the reviewed snapshot', async () => {
    const lines = listRoutes(t.app).map((route) => {
      const access = route.isPublic ? 'public' : `${route.optionalAuth ? 'optional ' : ''}${route.role}`;
      const flags = [
        route.apiKey ? 'key' : '',
        route.gateExempt ? 'gate-exempt' : '',
        route.gateInService ? 'gate-in-service' : '',
        `throttle=${route.throttle}`,
      ];
      const flagText = flags.filter(Boolean).join(' ');
      return `${route.method.padEnd(6)} ${route.path.padEnd(60)} ${access.padEnd(16)} ${flagText.padEnd(40)} ${route.controllerFile}`;
    });
    lines.sort();
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('./__snapshots__/route-access.txt');
  });
});
