import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InlineJobDriver } from '../../src/common/jobs/inline-job.driver.js';
import { JobsService } from '../../src/common/jobs/jobs.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant } from '../support/tenants.js';

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms);

describe('cleanup_auth_tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ redis: false });
  });
  afterAll(() => t.close());

  it('deletes only expired or long-revoked rows', async () => {
    const db = t.app.get(DataSource);
    const { users } = await seedTenant(t.app);
    const user = users.viewer.id;
    const refresh = async (label: string, expiresAt: Date, revokedAt: Date | null) => {
      await db.query(
        `INSERT INTO igny8_refresh_tokens (user_id, jti, family_id, expires_at, revoked_at, user_agent)
         VALUES ($1, gen_random_uuid(), gen_random_uuid(), $2, $3, $4)`,
        [user, expiresAt, revokedAt, label],
      );
    };
    await refresh('expired-long-ago', ago(40 * DAY), null);
    await refresh('expired-recently', ago(DAY), null);
    await refresh('revoked-long-ago', new Date(Date.now() + DAY), ago(31 * DAY));
    await refresh('revoked-recently', new Date(Date.now() + DAY), ago(DAY));
    await refresh('live', new Date(Date.now() + 7 * DAY), null);

    const session = async (label: string, lastSeen: Date, expiresAt: Date) => {
      await db.query(
        `INSERT INTO igny8_sessions (session_hash, user_id, family_id, last_seen_at, expires_at, user_agent)
         VALUES (encode(sha256(gen_random_uuid()::text::bytea), 'hex'), $1, gen_random_uuid(), $2, $3, $4)`,
        [user, lastSeen, expiresAt, label],
      );
    };
    await session('past-absolute', ago(60_000), ago(1000));
    await session('idle', ago(3 * 3_600_000), new Date(Date.now() + DAY));
    await session('live', ago(60_000), new Date(Date.now() + DAY));

    for (const [hash, expires] of [
      ['a'.repeat(64), ago(31 * DAY)],
      ['b'.repeat(64), ago(3_600_000)],
    ] as const) {
      await db.query(
        'INSERT INTO igny8_password_reset_tokens (user_id, token_hash, expires_at) VALUES ($1, $2, $3)',
        [user, hash, expires],
      );
    }

    await t.app.get(JobsService).enqueue('cleanup_auth_tokens', {});
    const [outcome] = await t.app.get(InlineJobDriver).drain();
    expect(outcome).toMatchObject({
      state: 'completed',
      result: { refresh_tokens: 2, sessions: 2, password_reset_tokens: 1 },
    });
    const left = async (table: string) =>
      (
        await db.query<{ user_agent?: string; token_hash?: string }[]>(`SELECT * FROM ${table} ORDER BY id`)
      ).map((row) => row.user_agent ?? row.token_hash);
    expect(await left('igny8_refresh_tokens')).toEqual(['expired-recently', 'revoked-recently', 'live']);
    expect(await left('igny8_sessions')).toEqual(['live']);
    expect(await left('igny8_password_reset_tokens')).toEqual(['b'.repeat(64)]);
  });
});
