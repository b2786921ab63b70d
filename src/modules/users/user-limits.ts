import type { EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Account } from '../identity/entities/account.entity.js';
import { Plan } from '../catalogue/entities/plan.entity.js';
import { User } from '../identity/entities/user.entity.js';

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
  const sql = tenantSql(manager);
  const [a, p, u] = [sql.table(Account, 'a'), sql.global(Plan, 'p'), sql.table(User, 'u')];
  const [plan] = await sql.query<{ max_users: number | null }[]>`
    SELECT p.max_users FROM ${a} JOIN ${p} ON p.id = a.plan_id
     WHERE ${a.scope} AND a.id = ${accountId} FOR UPDATE OF a`;
  const allowed = plan?.max_users ?? null;
  if (allowed === null) return;
  const [{ current }] = await sql.query<{ current: number }[]>`
    SELECT count(*)::int AS current FROM ${u}
     WHERE ${u.scope} AND u.account_id = ${accountId} AND u.deleted_at IS NULL AND u.role <> 'system_bot'`;
  if (current + requested > allowed) {
    throw new ApiError(
      'plan_limit_reached',
      `Your plan allows at most ${allowed} user${allowed === 1 ? '' : 's'}. Upgrade your plan to add more.`,
      { details: { limit: 'max_users', current, requested, allowed } },
    );
  }
}
