import 'reflect-metadata';
import type { LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { basic, PASSWORD, uniqueEmail } from '../auth/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';

const LOGIN_IP = 4;
const RESET_IP = 3;
const REGISTER_IP = 3;

/** A fresh client address per test, so each starts with untouched counters. */
const newIp = () => `198.18.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] % 250)}`;

/**
 * Per-client-IP limits beside the per-IP-and-email `auth_strict`: credential stuffing (many emails
 * from one address) and mass registration are refused even though each email stays under its own
 * limit.
 */
describe('per-IP limits of login, password reset and registration', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        THROTTLE_ENABLED: 'true',
        THROTTLE_AUTH_STRICT: '5/min',
        THROTTLE_LOGIN_IP: `${LOGIN_IP}/min`,
        THROTTLE_PASSWORD_RESET_IP: `${RESET_IP}/min`,
        THROTTLE_REGISTER_IP: `${REGISTER_IP}/min`,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (url: string, payload: object, remoteAddress: string, headers: Record<string, string> = {}) =>
    t.request({ method: 'POST', url: `/api/v1/auth/${url}`, payload, remoteAddress, headers });
  /** A registered user, from an address of its own (registrations count per IP too). */
  const newUser = async (): Promise<{ email: string }> => {
    const email = uniqueEmail('user');
    expect((await post('register/', { email, password: PASSWORD }, newIp())).statusCode).toBe(201);
    return { email };
  };
  const failedLogin = (ip: string) =>
    post('login/', { email: uniqueEmail('stuffing'), password: 'guess' }, ip);

  function expectRefused(res: LightMyRequestResponse, scope: string, limit: number): void {
    expect(res.statusCode, res.body).toBe(429);
    expect(res.json()).toMatchObject({ code: 'throttled', details: { scope, limit } });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.headers['x-throttle-limit']).toBe(String(limit));
    expect(res.headers['x-throttle-remaining']).toBe('0');
  }

  it('refuses failed logins from one IP past THROTTLE_LOGIN_IP, whatever the emails', async () => {
    const ip = newIp();
    for (let nth = 1; nth <= LOGIN_IP; nth++) expect((await failedLogin(ip)).statusCode).toBe(401);
    expectRefused(await failedLogin(ip), 'login_ip', LOGIN_IP);

    // Refused before the password is checked: the right password does not get through either,
    // nor do HTTP Basic attempts from that address.
    const user = await newUser();
    expectRefused(await post('login/', { email: user.email, password: PASSWORD }, ip), 'login_ip', LOGIN_IP);
    expectRefused(
      await t.request({
        method: 'GET',
        url: '/api/v1/auth/me/',
        headers: basic(user.email, PASSWORD),
        remoteAddress: ip,
      }),
      'login_ip',
      LOGIN_IP,
    );
    // Another address is not affected.
    expect((await post('login/', { email: user.email, password: PASSWORD }, newIp())).statusCode).toBe(200);
  });

  it('counts failed HTTP Basic attempts against the same per-IP limit', async () => {
    const ip = newIp();
    for (let nth = 1; nth <= LOGIN_IP; nth++) {
      const res = await t.request({
        method: 'GET',
        url: '/api/v1/auth/me/',
        headers: basic(uniqueEmail('basic'), 'guess'),
        remoteAddress: ip,
      });
      expect(res.statusCode).toBe(401);
    }
    expectRefused(await failedLogin(ip), 'login_ip', LOGIN_IP);
  });

  it('does not count successful logins', async () => {
    const ip = newIp();
    const users = [];
    for (let i = 0; i < LOGIN_IP + 2; i++) users.push(await newUser());
    for (const user of users) {
      expect((await post('login/', { email: user.email, password: PASSWORD }, ip)).statusCode).toBe(200);
    }
    expect((await failedLogin(ip)).statusCode).toBe(401);
  });

  it('lets exactly the limit through when the failed logins arrive in parallel', async () => {
    const ip = newIp();
    const statuses = (await Promise.all(Array.from({ length: LOGIN_IP + 4 }, () => failedLogin(ip)))).map(
      (res) => res.statusCode,
    );
    expect(statuses.filter((status) => status === 401)).toHaveLength(LOGIN_IP);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
  });

  it('refuses password-reset requests from one IP past THROTTLE_PASSWORD_RESET_IP', async () => {
    const ip = newIp();
    for (let nth = 1; nth <= RESET_IP; nth++) {
      expect((await post('password/reset/', { email: uniqueEmail('reset') }, ip)).statusCode).toBe(200);
    }
    expectRefused(
      await post('password/reset/', { email: uniqueEmail('reset') }, ip),
      'password_reset_ip',
      RESET_IP,
    );
    expect((await post('password/reset/', { email: uniqueEmail('reset') }, newIp())).statusCode).toBe(200);
  });

  it('refuses registrations from one IP past THROTTLE_REGISTER_IP, in parallel too', async () => {
    const register = (ip: string) =>
      post('register/', { email: uniqueEmail('mass'), password: 'a long enough passphrase' }, ip);
    const ip = newIp();
    for (let nth = 1; nth <= REGISTER_IP; nth++) expect((await register(ip)).statusCode).toBe(201);
    expectRefused(await register(ip), 'register_ip', REGISTER_IP);

    const burst = newIp();
    const statuses = (await Promise.all(Array.from({ length: REGISTER_IP + 3 }, () => register(burst)))).map(
      (res) => res.statusCode,
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(REGISTER_IP);
    expect(statuses.filter((status) => status === 429)).toHaveLength(3);
    const accounts = await t.app
      .get(DataSource)
      .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM igny8_accounts WHERE name LIKE 'mass-%'`);
    expect(accounts[0].n).toBe(REGISTER_IP * 2);
  });

  it('does not count failed registrations', async () => {
    const ip = newIp();
    const { email } = await newUser();
    for (let nth = 1; nth <= REGISTER_IP + 1; nth++) {
      const taken = await post('register/', { email, password: 'a long enough passphrase' }, ip);
      expect(taken.statusCode, taken.body).toBe(400);
    }
    for (let nth = 1; nth <= REGISTER_IP; nth++) {
      const res = await post('register/', { email: uniqueEmail('late'), password: PASSWORD }, ip);
      expect(res.statusCode, res.body).toBe(201);
    }
  });
});
