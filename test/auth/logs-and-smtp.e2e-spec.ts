import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnApp, type SpawnedApp } from '../support/process.js';
import { FakeSmtpServer, mailText } from './fake-smtp.js';
import { uniqueEmail } from './helpers.js';

const FRONTEND = 'https://frontend.igny8.test';

/**
 * The built app as a real process, logging at `trace`, with MAIL_TRANSPORT pointing at a loopback
 * SMTP server: every auth flow runs once, then neither the logs nor anything but the mail itself
 * carries a password, a token, a session id or a reset link.
 */
describe('secrets stay out of the logs; mail goes through SMTP', () => {
  let app: SpawnedApp;
  let smtp: FakeSmtpServer;
  const secrets: string[] = [];

  beforeAll(async () => {
    smtp = await new FakeSmtpServer().start();
    app = await spawnApp({
      env: {
        LOG_LEVEL: 'trace',
        FRONTEND_URL: FRONTEND,
        MAIL_TRANSPORT: `${smtp.url}/?from=${encodeURIComponent('IGNY8 Test <robot@igny8.test>')}`,
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      json: text ? JSON.parse(text) : null,
      setCookie: res.headers.get('set-cookie') ?? '',
    };
  }

  it('runs every auth flow', async () => {
    const email = uniqueEmail('logscan');
    const [p1, p2, p3] = ['first secret passphrase', 'second secret passphrase', 'third secret passphrase'];
    secrets.push(p1, p2, p3);

    const registered = await call('POST', '/api/v1/auth/register/', {
      email,
      password: p1,
      password_confirm: p1,
    });
    expect(registered.status).toBe(201);
    const cookie = /igny8_session=([^;]+)/.exec(registered.setCookie)![1];
    secrets.push(cookie, registered.json.data.tokens.access, registered.json.data.tokens.refresh);

    expect(
      (await call('POST', '/api/v1/auth/login/', { email, password: 'wrong-but-secret-guess' })).status,
    ).toBe(401);
    secrets.push('wrong-but-secret-guess');
    const logged = await call('POST', '/api/v1/auth/login/', { email, password: p1 });
    expect(logged.status).toBe(200);
    secrets.push(logged.json.data.tokens.access, logged.json.data.tokens.refresh);
    const refreshed = await call('POST', '/api/v1/auth/token/refresh/', {
      refresh: logged.json.data.tokens.refresh,
    });
    expect(refreshed.status).toBe(200);
    secrets.push(refreshed.json.data.access, refreshed.json.data.refresh);
    expect(
      (await call('POST', '/api/v1/auth/token/refresh/', { refresh: logged.json.data.tokens.refresh }))
        .status,
    ).toBe(401);
    expect(
      (await call('GET', '/api/v1/auth/me/', undefined, { cookie: `igny8_session=${cookie}` })).status,
    ).toBe(200);

    expect((await call('POST', '/api/v1/auth/password/reset/', { email })).status).toBe(200);
    const mails = await smtp.waitFor(2);
    const reset = mails.find((mail) => mailText(mail).includes('reset-password?token='))!;
    expect(reset).toBeDefined();
    const link = /https:\/\/frontend\.igny8\.test\/reset-password\?token=[A-Za-z0-9_-]{43}/.exec(
      mailText(reset),
    )![0];
    const token = new URL(link).searchParams.get('token')!;
    secrets.push(link, token);

    expect(
      (await call('POST', '/api/v1/auth/password/reset/confirm/', { token, new_password: p2 })).status,
    ).toBe(200);
    const again = await call('POST', '/api/v1/auth/login/', { email, password: p2 });
    expect(again.status).toBe(200);
    secrets.push(again.json.data.tokens.access, again.json.data.tokens.refresh);
    const changed = await call(
      'POST',
      '/api/v1/auth/password/change/',
      { old_password: p2, new_password: p3 },
      { authorization: `Bearer ${again.json.data.tokens.access}` },
    );
    expect(changed.status).toBe(200);
    secrets.push(changed.json.data.tokens.access, changed.json.data.tokens.refresh);
    expect(
      (
        await call(
          'POST',
          '/api/v1/auth/logout/',
          { refresh: changed.json.data.tokens.refresh },
          {
            authorization: `Bearer ${changed.json.data.tokens.access}`,
          },
        )
      ).status,
    ).toBe(200);
    // Basic with a wrong password is logged as a failure, never with the password.
    const basic = Buffer.from(`${email}:basic-secret-attempt`).toString('base64');
    secrets.push('basic-secret-attempt', basic);
    expect(
      (await call('GET', '/api/v1/auth/me/', undefined, { authorization: `Basic ${basic}` })).status,
    ).toBe(401);

    // Mail went through SMTP: the welcome, reset and password-changed messages, from the configured sender.
    const all = await smtp.waitFor(3);
    expect(all.every((mail) => mail.to.includes(`<${email}>`))).toBe(true);
    expect(all.every((mail) => mail.from === '<robot@igny8.test>')).toBe(true);
    const subjects = all.map((mail) => /^Subject: (.*)$/m.exec(mail.data)?.[1]);
    expect(subjects).toEqual(
      expect.arrayContaining([
        'Welcome to IGNY8',
        'Reset your IGNY8 password',
        'Your IGNY8 password was changed',
      ]),
    );
  });

  it('wrote none of those secrets to stdout or stderr', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const output = `${app.lines.join('\n')}\n${app.stderr}`;
    expect(output).toContain('/api/v1/auth/login/');
    expect(secrets.length).toBeGreaterThan(15);
    for (const secret of secrets) {
      expect(output.includes(secret), `secret ${secret.slice(0, 10)}… in the logs`).toBe(false);
      if (secret.split('.').length === 3) expect(output.includes(secret.split('.')[2])).toBe(false);
    }
  });
});
