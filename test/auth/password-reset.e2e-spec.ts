import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  bearer,
  db,
  login,
  nextSecond,
  outbox,
  register,
  type Registered,
  uniqueEmail,
  withCookie,
} from './helpers.js';

const FRONTEND = 'https://app.igny8.test';
const RESET = '/api/v1/auth/password/reset/';
const CONFIRM = '/api/v1/auth/password/reset/confirm/';
const MESSAGE = 'If an account exists for this email, a reset link has been sent.';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('password reset through the mail outbox', () => {
  let t: TestApp;
  let user: Registered;
  const secrets = new Set<string>();

  beforeAll(async () => {
    t = await createTestApp({ env: { FRONTEND_URL: FRONTEND } });
    user = await register(t);
    for (const value of [user.password, user.tokens.access, user.tokens.refresh, user.cookie])
      secrets.add(value);
  });
  afterAll(async () => {
    await t?.close();
  });

  const requestReset = (email: string, headers: Record<string, string> = {}) =>
    t.request({ method: 'POST', url: RESET, headers, payload: { email } });

  /** The raw token of the newest reset link sent to `email`. */
  async function latestToken(email: string): Promise<{ token: string; link: string }> {
    const [mail] = await outbox(t, email);
    expect(mail.template_key).toBe('password_reset');
    const link = /https?:\/\/[^\s"<]+reset-password\?token=[A-Za-z0-9_-]+/.exec(mail.text)![0];
    expect(mail.html).toContain(link);
    return { link, token: new URL(link).searchParams.get('token')! };
  }

  it('answers the same way for known and unknown emails, and mails a link only to the known one', async () => {
    const known = await requestReset(user.email, { host: 'evil.example.org' });
    const unknown = await requestReset(uniqueEmail('ghost'));
    for (const res of [known, unknown]) {
      expect(res.statusCode).toBe(200);
      const { request_id: _id, ...body } = res.json();
      expect(body).toEqual({ success: true, data: null, message: MESSAGE });
    }
    const { link, token } = await latestToken(user.email);
    secrets.add(token);
    secrets.add(link);
    // Built from FRONTEND_URL, never from the Host header; 32 random bytes, base64url.
    expect(link.startsWith(`${FRONTEND}/reset-password?token=`)).toBe(true);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the SHA-256 of the token is stored.
    const rows = await db(t).query(
      'SELECT token_hash, expires_at, used_at FROM igny8_password_reset_tokens WHERE user_id = $1',
      [user.userId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(sha256(token));
    const ttl = new Date(rows[0].expires_at).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(59 * 60_000);
    expect(ttl).toBeLessThanOrEqual(60 * 60_000);
    const [log] = await db(t).query(
      `SELECT status, template_key, to_email, sent_at FROM igny8_email_logs WHERE user_id = $1 AND template_key = 'password_reset'`,
      [user.userId],
    );
    expect(log).toMatchObject({ status: 'sent', to_email: user.email });
  });

  it('resets the password with the emailed token once, and revokes every session', async () => {
    await requestReset(user.email);
    const { token, link } = await latestToken(user.email);
    secrets.add(token);
    secrets.add(link);
    await nextSecond();

    const weak = await t.request({
      method: 'POST',
      url: CONFIRM,
      payload: { token, new_password: '1234567890' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors.new_password).toEqual(['This password is entirely numeric.']);

    const newPassword = 'reset to something new';
    secrets.add(newPassword);
    const res = await t.request({
      method: 'POST',
      url: CONFIRM,
      payload: { token, new_password: newPassword },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ success: true, data: null, message: 'Password has been reset.' });

    expect(
      (await t.request({ method: 'GET', url: '/api/v1/auth/me/', headers: bearer(user.tokens.access) }))
        .statusCode,
    ).toBe(401);
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/auth/me/', headers: withCookie(user.cookie) }))
        .statusCode,
    ).toBe(401);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/auth/token/refresh/',
          payload: { refresh: user.tokens.refresh },
        })
      ).statusCode,
    ).toBe(401);
    const relogged = await login(t, user.email, newPassword);
    for (const value of [relogged.tokens.access, relogged.tokens.refresh, relogged.cookie])
      secrets.add(value);
    const old = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login/',
      payload: { email: user.email, password: user.password },
    });
    expect(old.statusCode).toBe(401);

    // Single use.
    const again = await t.request({
      method: 'POST',
      url: CONFIRM,
      payload: { token, new_password: 'yet another password' },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'invalid_token', error: 'Invalid or expired reset token.' });
    user.password = newPassword;
  });

  it('refuses unknown, expired and superseded tokens', async () => {
    const other = await register(t);
    const confirm = (token: string) =>
      t.request({ method: 'POST', url: CONFIRM, payload: { token, new_password: 'whatever works' } });
    expect((await confirm('not-a-token')).json().code).toBe('invalid_token');

    await requestReset(other.email);
    const first = await latestToken(other.email);
    await requestReset(other.email);
    const second = await latestToken(other.email);
    expect(second.token).not.toBe(first.token);
    // A new request invalidates the earlier link.
    expect((await confirm(first.token)).json().code).toBe('invalid_token');

    await db(t).query(
      `UPDATE igny8_password_reset_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`,
      [sha256(second.token)],
    );
    const expired = await confirm(second.token);
    expect(expired.statusCode).toBe(400);
    expect(expired.json().code).toBe('invalid_token');
    const missing = await t.request({ method: 'POST', url: CONFIRM, payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().errors).sort()).toEqual(['new_password', 'token']);
    const noEmail = await t.request({ method: 'POST', url: RESET, payload: {} });
    expect(noEmail.statusCode).toBe(400);
    expect(noEmail.json().errors).toEqual({ email: ['This field is required.'] });
  });

  it('issues at most 3 tokens per user per hour, answering the same way after that', async () => {
    const capped = await register(t);
    for (let i = 0; i < 5; i++) {
      const res = await requestReset(capped.email);
      expect(res.statusCode).toBe(200);
      expect(res.json().message).toBe(MESSAGE);
    }
    expect(
      await outbox(t, capped.email).then((mails) => mails.filter((m) => m.template_key === 'password_reset')),
    ).toHaveLength(3);
    const [{ n }] = await db(t).query(
      'SELECT count(*)::int AS n FROM igny8_password_reset_tokens WHERE user_id = $1',
      [capped.userId],
    );
    expect(n).toBe(3);
  });

  it('sends nothing to inactive users', async () => {
    const inactive = await register(t);
    await db(t).query('UPDATE igny8_users SET is_active = false WHERE id = $1', [inactive.userId]);
    expect((await requestReset(inactive.email)).statusCode).toBe(200);
    expect((await outbox(t, inactive.email)).filter((m) => m.template_key === 'password_reset')).toHaveLength(
      0,
    );
  });

  it('keeps no password, token, session id or reset link in plaintext anywhere in the database', async () => {
    const { tokens } = await login(t, user.email, user.password);
    const rotated = await t.request({
      method: 'POST',
      url: '/api/v1/auth/token/refresh/',
      payload: { refresh: tokens.refresh },
    });
    for (const value of [
      tokens.access,
      tokens.refresh,
      rotated.json().data.access,
      rotated.json().data.refresh,
    ])
      secrets.add(value);
    expect(secrets.size).toBeGreaterThan(10);

    const tables: { table_name: string }[] = await db(t).query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const dump: string[] = [];
    for (const { table_name } of tables) {
      const rows: { row: string }[] = await db(t).query(`SELECT t::text AS row FROM "${table_name}" t`);
      dump.push(...rows.map((r) => `${table_name}: ${r.row}`));
    }
    const text = dump.join('\n');
    expect(text).toContain(user.email);
    for (const secret of secrets) {
      expect(text.includes(secret), `a secret (${secret.slice(0, 12)}…) is stored in plaintext`).toBe(false);
      // JWTs: not even their signature part.
      if (secret.split('.').length === 3) expect(text.includes(secret.split('.')[2])).toBe(false);
    }
    // The outbox holds the reset links, encrypted: readable only with the server key.
    const mails = await outbox(t, user.email);
    expect(
      mails.some((mail) =>
        [...secrets].some((secret) => secret.includes('reset-password') && mail.text.includes(secret)),
      ),
    ).toBe(true);
    const [raw] = await db(t).query(
      'SELECT text_body_encrypted, html_body_encrypted FROM igny8_email_outbox LIMIT 1',
    );
    expect(raw.text_body_encrypted).toMatch(/^v1:/);
    expect(raw.html_body_encrypted).toMatch(/^v1:/);
    // Passwords are argon2id hashes.
    const [{ password_hash }] = await db(t).query('SELECT password_hash FROM igny8_users WHERE id = $1', [
      user.userId,
    ]);
    expect(password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });
});
