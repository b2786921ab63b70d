import type { EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';

/**
 * `Plan.max_users` (docs/domain-model.md#plans-subscriptions-and-limits): non-deleted users of the account
 * except `system_bot`. Locks the account row first, so concurrent creates and restores of one account are
 * counted one by one.
 */
export async function assertUserCapacity(
  manager: EntityManager,
  accountId: number,
  requested: number,
): Promise<void> {
  const [plan] = await manager.query<{ max_users: number | null }[]>(
    `SELECT p.max_users FROM igny8_accounts a JOIN igny8_plans p ON p.id = a.plan_id
      WHERE a.id = $1 FOR UPDATE OF a`,
    [accountId],
  );
  const allowed = plan?.max_users ?? null;
  if (allowed === null) return;
  const [{ current }] = await manager.query<{ current: number }[]>(
    `SELECT count(*)::int AS current FROM igny8_users
      WHERE account_id = $1 AND deleted_at IS NULL AND role <> 'system_bot'`,
    [accountId],
  );
  if (current + requested > allowed) {
    throw new ApiError(
      'plan_limit_reached',
      `Your plan allows at most ${allowed} user${allowed === 1 ? '' : 's'}. Upgrade your plan to add more.`,
      { details: { limit: 'max_users', current, requested, allowed } },
    );
  }
}
