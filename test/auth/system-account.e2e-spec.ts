import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mailer } from '../../src/common/mail/mailer.service.js';
import { SystemAccountService } from '../../src/modules/identity/system-account.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { freePort, ROOT, runToExit } from '../support/process.js';
import { basic, bearer, db, login, register } from './helpers.js';

const ADMIN_EMAIL = 'Platform.Admin@Example.com';
const ADMIN_PASSWORD = 'system admin passphrase';
const COMMAND = join(ROOT, 'dist', 'create-system-account.js');

describe('system account; Basic disabled; an unreachable SMTP server', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        SYSTEM_ADMIN_EMAIL: ADMIN_EMAIL,
        SYSTEM_ADMIN_PASSWORD: ADMIN_PASSWORD,
        AUTH_BASIC_ENABLED: 'false',
        // Nobody listens there: every email fails to send.
        MAIL_TRANSPORT: `smtp://127.0.0.1:${await freePort()}`,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const counts = async () => {
    const [row] = await db(t).query(
      `SELECT (SELECT count(*)::int FROM igny8_accounts WHERE slug = 'aws-admin') AS accounts,
              (SELECT count(*)::int FROM igny8_users WHERE lower(email) = lower($1)) AS users,
              (SELECT count(*)::int FROM igny8_subscriptions s JOIN igny8_accounts a ON a.id = s.account_id
                WHERE a.slug = 'aws-admin') AS subscriptions`,
      [ADMIN_EMAIL],
    );
    return row;
  };

  it('creates the aws-admin account and a developer user at start-up', async () => {
    const [account] = await db(t).query(
      `SELECT a.*, p.slug AS plan_slug FROM igny8_accounts a JOIN igny8_plans p ON p.id = a.plan_id WHERE a.slug = 'aws-admin'`,
    );
    expect(account).toMatchObject({
      name: 'IGNY8 Admin',
      is_system: true,
      status: 'active',
      is_active: true,
      plan_slug: 'internal',
    });
    const [user] = await db(t).query(
      'SELECT id, email, role, account_id, password_hash FROM igny8_users WHERE account_id = $1',
      [account.id],
    );
    expect(user).toMatchObject({ email: ADMIN_EMAIL.toLowerCase(), role: 'developer' });
    expect(user.password_hash).not.toContain(ADMIN_PASSWORD);
    expect(account.owner_id).toBe(user.id);
    const [subscription] = await db(t).query(
      'SELECT status, current_period_end FROM igny8_subscriptions WHERE account_id = $1',
      [account.id],
    );
    expect(subscription).toEqual({ status: 'active', current_period_end: null });
    expect(await counts()).toEqual({ accounts: 1, users: 1, subscriptions: 1 });

    const { res, tokens } = await login(t, ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(res.json().data.user.account).toMatchObject({
      slug: 'aws-admin',
      is_system_account: true,
      plan: { slug: 'internal' },
    });
    // Developers are not subject to the account gate.
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/auth/groups/', headers: bearer(tokens.access) }))
        .statusCode,
    ).toBe(200);
  });

  it('is idempotent, in-process and through the npm command', async () => {
    const again = await t.app.get(SystemAccountService).ensure(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(again).toMatchObject({ createdAccount: false, createdUser: false });
    const run = await runToExit(
      COMMAND,
      {
        NODE_ENV: 'test',
        DATABASE_URL: t.db.url,
        LOG_LEVEL: 'silent',
        SYSTEM_ADMIN_EMAIL: ADMIN_EMAIL,
        SYSTEM_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
      60_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('System account "aws-admin"');
    expect(run.stdout).toContain('present');
    expect(run.stdout + run.stderr).not.toContain(ADMIN_PASSWORD);
    expect(await counts()).toEqual({ accounts: 1, users: 1, subscriptions: 1 });
    // The existing password is kept.
    await login(t, ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  it('the command refuses to run without both variables, and an email of another account', async () => {
    const missing = await runToExit(COMMAND, {
      NODE_ENV: 'test',
      DATABASE_URL: t.db.url,
      SYSTEM_ADMIN_EMAIL: ADMIN_EMAIL,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('SYSTEM_ADMIN_EMAIL and SYSTEM_ADMIN_PASSWORD must both be set');
    const tenant = await register(t);
    await expect(t.app.get(SystemAccountService).ensure(tenant.email, 'whatever password')).rejects.toThrow(
      /another account/,
    );
    const [{ role }] = await db(t).query('SELECT role FROM igny8_users WHERE id = $1', [tenant.userId]);
    expect(role).toBe('owner');
  });

  it('refuses HTTP Basic when AUTH_BASIC_ENABLED=false, even with the right password', async () => {
    const user = await register(t);
    const res = await t.request({
      method: 'GET',
      url: '/api/v1/auth/me/',
      headers: basic(user.email, user.password),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('invalid_credentials');
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/auth/me/', headers: bearer(user.tokens.access) }))
        .statusCode,
    ).toBe(200);
  });

  it('a failed email never fails the request that caused it; the email log records the failure', async () => {
    const user = await register(t);
    const reset = await t.request({
      method: 'POST',
      url: '/api/v1/auth/password/reset/',
      payload: { email: user.email },
    });
    expect(reset.statusCode).toBe(200);
    await t.app.get(Mailer).flush();
    const logs = await db(t).query(
      'SELECT template_key, status, error_message, sent_at FROM igny8_email_logs WHERE user_id = $1 ORDER BY id',
      [user.userId],
    );
    expect(logs.map((log: { template_key: string }) => log.template_key)).toEqual([
      'welcome',
      'password_reset',
    ]);
    for (const log of logs) {
      expect(log.status).toBe('failed');
      expect(log.sent_at).toBeNull();
      expect(log.error_message).toMatch(/ECONNREFUSED|connect/i);
    }
  });
});
