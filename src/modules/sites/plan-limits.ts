import type { EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Account } from '../identity/entities/account.entity.js';
import { Plan } from '../catalogue/entities/plan.entity.js';

export type PlanLimit = 'max_sites' | 'max_users' | 'max_keywords';

/**
 * Locks the account row for the rest of the transaction (so concurrent creates and restores of the
 * same account are checked one after the other) and returns its plan's `limit` (null = unlimited).
 */
export async function lockPlanLimit(
  manager: EntityManager,
  accountId: number,
  limit: PlanLimit,
): Promise<number | null> {
  const sql = tenantSql(manager);
  const [a, p] = [sql.table(Account, 'a'), sql.global(Plan, 'p')];
  const [row] = await sql.query<{ value: number | null }[]>`
    SELECT p.${sql.identifier(limit)} AS value FROM ${a} JOIN ${p} ON p.id = a.plan_id
     WHERE ${a.scope} AND a.id = ${accountId} FOR UPDATE OF a`;
  return row?.value ?? null;
}

/**
 * 403 `plan_limit_reached` (docs/domain-model.md#plans-subscriptions-and-limits) when `current + requested`
 * would exceed `max`.
 */
export function assertWithinPlanLimit(
  limit: PlanLimit,
  max: number | null,
  current: number,
  requested: number,
): void {
  if (max === null || current + requested <= max) return;
  throw new ApiError('plan_limit_reached', `Your plan allows at most ${max} (${limit}).`, {
    details: { limit, current, requested, allowed: Math.max(0, max - current) },
  });
}
