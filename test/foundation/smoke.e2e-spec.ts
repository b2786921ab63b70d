import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers ping', async () => {
    const res = await t.request({ method: 'GET', url: '/api/ping/' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ success: true, version: '0.1.0' });
  });
});
