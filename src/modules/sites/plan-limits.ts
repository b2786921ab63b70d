import type { EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
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
  const row = await manager
    .createQueryBuilder(Account, 'a')
    .innerJoin(Plan, 'p', 'p.id = a.plan_id')
    .select(`p.${limit}`, 'value')
    .where('a.id = :account_id', { account_id: accountId })
    .setLock('pessimistic_write', undefined, ['a'])
    .getRawOne<{ value: number | null }>();
  return row?.value ?? null;
}

/** 403 `plan_limit_reached` (domain.md 13.6) when `current + requested` would exceed `max`. */
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
