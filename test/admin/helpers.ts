import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TokenService } from '../../src/common/auth/token.service.js';

/** A multipart/form-data body with one file part (default field `file`). */
export function multipart(
  content: string | Buffer,
  { field = 'file', filename = 'data.csv' }: { field?: string; filename?: string } = {},
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----igny8${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
        'Content-Type: text/csv\r\n\r\n',
    ),
    Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** CSV text from rows of cells (no quoting: callers pass cells that need none, or quote them). */
export function csv(...rows: string[][]): string {
  return rows.map((row) => row.join(',')).join('\r\n') + '\r\n';
}

/** A developer user (in the account given) and its `Authorization` header. */
export async function insertDeveloper(
  app: NestFastifyApplication,
  accountId: number,
): Promise<{ id: number; auth: { authorization: string } }> {
  const db = app.get(DataSource);
  const tag = randomBytes(4).toString('hex');
  const [{ id }] = await db.query<{ id: number }[]>(
    `INSERT INTO igny8_users (account_id, email, username, password_hash, role)
     VALUES ($1, $2, $3, 'x', 'developer') RETURNING id`,
    [accountId, `dev-${tag}@example.com`, `dev-${tag}`],
  );
  const token = app.get(TokenService).issueAccess({ id, account_id: accountId, role: 'developer' }).token;
  return { id, auth: { authorization: `Bearer ${token}` } };
}

/** Gives a site a fresh API key (`igny8_sk_` + 40 base62 characters) and returns it. */
export async function giveSiteApiKey(app: NestFastifyApplication, siteId: number): Promise<string> {
  const key = `igny8_sk_${randomBytes(20).toString('hex')}`;
  await app
    .get(DataSource)
    .query('UPDATE igny8_sites SET wp_api_key_hash = $1 WHERE id = $2', [
      createHash('sha256').update(key).digest('hex'),
      siteId,
    ]);
  return key;
}
