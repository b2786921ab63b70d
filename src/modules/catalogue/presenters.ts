import { pick } from '../../common/http/pick.js';
import type { Plan } from './entities/plan.entity.js';

export const PLAN_FIELDS = [
  'id',
  'name',
  'slug',
  'description',
  'price',
  'currency',
  'billing_cycle',
  'included_credits',
  'max_sites',
  'max_users',
  'max_keywords',
  'max_ahrefs_queries',
  'allow_credit_topup',
  'extra_credit_price',
  'features',
  'is_active',
  'sort_order',
] as const satisfies readonly (keyof Plan)[];

export type PlanView = Pick<Plan, (typeof PLAN_FIELDS)[number]>;

/** The public Plan object (`auth/plans/`, `subscription.plan`). */
export function presentPlan(plan: Plan): PlanView {
  return pick(plan, PLAN_FIELDS);
}
