import argon2 from 'argon2';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnApp, SPAWN_TIMEOUT_MS, type SpawnedApp } from '../support/process.js';

const ENTRY = join(import.meta.dirname, '..', 'fixtures', 'secrets', 'spawn-main.ts');

const SECRETS = {
  email: 'leaky.person.5e2a@example.com',
  password: 'password-SECRET-9f8e7d',
  passwordHash: '',
  token: 'token-SECRET-c0ffee1234',
  apiKey: 'igny8_sk_SECRETapikey0123456789abcdefABCDEF',
};

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('failing queries with secrets among their values', () => {
  let app: SpawnedApp;
  let status: number;
  let responseBody: string;

  beforeAll(async () => {
    SECRETS.passwordHash = await argon2.hash(SECRETS.password);
    app = await spawnApp({ entry: ENTRY });
    const from = app.lines.length;
    const res = await fetch(`${app.baseUrl}/api/v1/secret-queries/fail/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SECRETS),
    });
    status = res.status;
    responseBody = await res.text();
    const requestId = res.headers.get('x-request-id');
    await app.waitForLog((line) => line.reqId === requestId && typeof line.res === 'object', from);
  }, SPAWN_TIMEOUT_MS);
  let stoppedAlready = false;
  afterAll(async () => {
    if (!stoppedAlready) await app?.stop();
  });

  it('answers the generic 500 envelope', () => {
    expect(status).toBe(500);
    expect(JSON.parse(responseBody)).toMatchObject({ success: false, code: 'internal_error' });
  });

  it('logs the SQL text and the error code of each failure', () => {
    const logged = app.logs().filter((line) => (line.err as { query?: string } | undefined)?.query);
    const errors = logged.map((line) => line.err as Record<string, unknown>);
    expect(errors.map((err) => err.code)).toEqual(expect.arrayContaining(['23502', '22P02']));
    expect(errors.some((err) => String(err.query).startsWith('INSERT INTO igny8_users'))).toBe(true);
    expect(errors.every((err) => err.type === 'QueryFailedError')).toBe(true);
    const insert = errors.find((err) => err.code === '23502')!;
    expect(insert).toMatchObject({ table: 'igny8_users', column: 'account_id' });
    expect(insert).not.toHaveProperty('parameters');
    expect(insert).not.toHaveProperty('driverError');
  });

  it('writes none of the password, its hash, the email, the token or the API key to any log', async () => {
    // The handler flushed the channel files; stopping the app removes its directory.
    const channelFiles = filesUnder(app.env.LOG_DIR);
    expect(channelFiles.length).toBeGreaterThan(0);
    const files = channelFiles.map((path): [string, string] => [path, readFileSync(path, 'utf8')]);
    expect(files.map(([, text]) => text).join('')).toContain('SELECT CAST($1 AS integer)');
    const stopped = await app.stop();
    stoppedAlready = true;
    const texts: [string, string][] = [['stdout', stopped.stdout], ['stderr', stopped.stderr], ...files];
    expect(texts[0][1]).toContain('igny8_users');
    for (const [where, text] of texts) {
      for (const [name, secret] of Object.entries(SECRETS)) {
        const leaked = text.split('\n').filter((line) => line.includes(secret));
        expect(leaked, `${name} in ${where}`).toEqual([]);
      }
    }
  });
});
