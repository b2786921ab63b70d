import { createHmac, randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { expect } from 'vitest';
import { Mailer } from '../../src/common/mail/mailer.service.js';
import { openOutboxRow, type OutboxMessage } from '../../src/common/mail/outbox.transport.js';
import { EmailOutbox } from '../../src/common/mail/email-outbox.entity.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/bootstrap.js';
import { AppConfig } from '../../src/config/app-config.js';
import { createTestApp, testEnv, type TestApp, type TestAppOptions } from '../support/app.js';
import type { TestDatabase } from '../support/database.js';

export const PASSWORD = 'correct horse battery staple';

/** Parsed JSON of responses and token payloads, read freely by the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface TokenPair {
  access: string;
  refresh: string;
  access_expires_at: string;
  refresh_expires_at: string;
}

export interface Registered {
  email: string;
  password: string;
  userId: number;
  accountId: number;
  tokens: TokenPair;
  cookie: string;
  body: Json;
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const basic = (email: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`,
});

/** The `igny8_session` value set by a response, or undefined. */
export function sessionCookie(res: LightMyRequestResponse): { value: string; raw: string } | undefined {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const raw = all.find((line) => line.startsWith('igny8_session='));
  if (!raw) return undefined;
  return { value: decodeURIComponent(raw.slice('igny8_session='.length).split(';')[0]), raw };
}

export const withCookie = (value: string) => ({ cookie: `igny8_session=${value}` });

export async function register(t: TestApp, body: Record<string, unknown> = {}): Promise<Registered> {
  const email = (body.email as string | undefined) ?? uniqueEmail();
  const password = (body.password as string | undefined) ?? PASSWORD;
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/auth/register/',
    payload: { email, password, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  const json = res.json();
  return {
    email,
    password,
    userId: json.data.user.id,
    accountId: json.data.user.account.id,
    tokens: json.data.tokens,
    cookie: sessionCookie(res)!.value,
    body: json,
  };
}

export async function login(t: TestApp, email: string, password = PASSWORD) {
  const res = await t.request({ method: 'POST', url: '/api/v1/auth/login/', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  return { tokens: res.json().data.tokens as TokenPair, cookie: sessionCookie(res)!.value, res };
}

export function db(t: TestApp): DataSource {
  return t.app.get(DataSource);
}

/** Delivered outbox messages to `to`, newest first, bodies decrypted. */
export async function outbox(t: TestApp, to: string): Promise<OutboxMessage[]> {
  await t.app.get(Mailer).flush();
  const rows = await db(t)
    .getRepository(EmailOutbox)
    .find({ where: { to_email: to }, order: { id: 'DESC' } });
  return rows.map((row) => openOutboxRow(row, t.config.encryptionKey));
}

/** A JWT (header.payload.signature) with a replaced header or payload, keeping or dropping the signature. */
export function forge(
  token: string,
  edit: { header?: object; payload?: (p: Json) => object; signature?: string },
) {
  const [h, p, s] = token.split('.');
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const header = edit.header ? enc(edit.header) : h;
  const payload = edit.payload ? enc(edit.payload(JSON.parse(Buffer.from(p, 'base64url').toString()))) : p;
  return `${header}.${payload}.${edit.signature ?? s}`;
}

export function decodePayload(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

/** Waits until the wall clock enters the next whole second (tokens_valid_after has 1 s resolution). */
export async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}

/** Signs `header.payload` with HMAC (`sha256` for HS256, `sha512` for HS512) — for forged-token tests. */
export function signJwt(
  header: object,
  payload: object,
  secret: string,
  hash: 'sha256' | 'sha512' = 'sha256',
) {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc(header)}.${enc(payload)}`;
  return `${body}.${createHmac(hash, secret).update(body).digest('base64url')}`;
}

/**
 * A test app whose requests may run in parallel. On the real server: the usual template clone.
 * Embedded: the app's own embedded default (`EMBEDDED_DB_DIR=memory://`, one connection, as in
 * production) — a test database URL would give it a 10-connection pool that PGlite's socket server
 * cannot multiplex (interleaved statements fail).
 */
export async function createParallelSafeApp(options: TestAppOptions = {}): Promise<TestApp> {
  if (process.env.TEST_DATABASE_URL) return createTestApp(options);
  const tmp = mkdtempSync(join(tmpdir(), 'igny8-test-'));
  const none: TestDatabase = { url: '', embedded: true, drop: async () => undefined };
  const env = { ...options.env, DATABASE_URL: undefined, EMBEDDED_DB_DIR: 'memory://' };
  const config = new AppConfig(testEnv(none, tmp, { ...options, env }));
  const app = await createApp(config, options.modules);
  return { app, config, db: none, tmp, request: (opts) => app.inject(opts), close: () => app.close() };
}
