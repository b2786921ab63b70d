import { Injectable } from '@nestjs/common';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { ApiError } from '../http/error-codes.js';
import { IdempotencyKey } from './idempotency-key.entity.js';

/**
 * A finished response as sent: the status and the JSON text of the body. The text is stored as a
 * jsonb string, not as a jsonb object, because jsonb reorders keys and the replay must be the same
 * bytes.
 */
export interface StoredResponse {
  status: number;
  body: string;
}

export type Claim = { kind: 'new'; id: string } | { kind: 'stored'; response: StoredResponse };

interface LiveKey {
  request_hash: string;
  response_status: number | null;
  response_body: string | null;
}

/** A claim can lose a race against a key released (5xx) or expiring between its two statements. */
const CLAIM_ATTEMPTS = 3;

/**
 * The rows of `igny8_idempotency_keys` (docs/api-conventions.md#idempotency): claim a key, then complete or
 * release it.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the key for this request (a new row, or an expired row replaced) or returns the stored
   * response of the same request. Same key with another request, or still in progress: 409.
   */
  async claim(accountId: number, key: string, requestHash: string): Promise<Claim> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const id = await this.insertOrReplaceExpired(accountId, key, requestHash);
      if (id !== undefined) return { kind: 'new', id };
      const live = await this.findLive(accountId, key);
      if (live) return storedOrConflict(live, requestHash);
    }
    throw inProgress();
  }

  async complete(id: string, response: StoredResponse, taskId: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE igny8_idempotency_keys SET response_status = $2, response_body = to_jsonb($3::text), task_id = $4
        WHERE id = $1`,
      [id, response.status, response.body, taskId],
    );
  }

  /** Deletes the expired keys; returns how many. */
  async deleteExpired(): Promise<number> {
    const deleted = await this.dataSource
      .getRepository(IdempotencyKey)
      .delete({ expires_at: LessThanOrEqual(new Date()) });
    return deleted.affected ?? 0;
  }

  /** Frees the key (the request ended with a 5xx or an unexpected error) so it can be used again. */
  async release(id: string): Promise<void> {
    await this.dataSource.query('DELETE FROM igny8_idempotency_keys WHERE id = $1', [id]);
  }

  private async insertOrReplaceExpired(
    accountId: number,
    key: string,
    requestHash: string,
  ): Promise<string | undefined> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO igny8_idempotency_keys (account_id, key, request_hash, expires_at)
       VALUES ($1, $2, $3, now() + interval '24 hours')
       ON CONFLICT (account_id, key) DO UPDATE
          SET created_at = now(), request_hash = EXCLUDED.request_hash, response_status = NULL,
              response_body = NULL, task_id = NULL, expires_at = EXCLUDED.expires_at
        WHERE igny8_idempotency_keys.expires_at <= now()
       RETURNING id`,
      [accountId, key, requestHash],
    );
    return rows[0]?.id;
  }

  private async findLive(accountId: number, key: string): Promise<LiveKey | undefined> {
    const rows: LiveKey[] = await this.dataSource.query(
      `SELECT request_hash, response_status, response_body FROM igny8_idempotency_keys
        WHERE account_id = $1 AND key = $2 AND expires_at > now()`,
      [accountId, key],
    );
    return rows[0];
  }
}

function storedOrConflict(live: LiveKey, requestHash: string): Claim {
  if (live.request_hash !== requestHash) {
    throw new ApiError('conflict', 'This Idempotency-Key was already used with a different request.');
  }
  if (live.response_status === null || live.response_body === null) throw inProgress();
  return { kind: 'stored', response: { status: live.response_status, body: live.response_body } };
}

function inProgress(): ApiError {
  return new ApiError('conflict', 'A request with this Idempotency-Key is still in progress.');
}
