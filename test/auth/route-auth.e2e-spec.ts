import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { listRoutes } from '../support/routes.js';

/**
 * Every route's authentication requirement, minimum role, API-key allowance, account-gate
 * exemption and throttle scope, as one reviewed table: any change to access rules shows up in
 * the snapshot diff.
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
        `throttle=${route.throttle}`,
      ];
      return `${route.method.padEnd(6)} ${route.path.padEnd(60)} ${access.padEnd(16)} ${flags.filter(Boolean).join(' ')}`;
    });
    lines.sort();
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('./__snapshots__/route-access.txt');
  });
});
