import { pick } from '../../common/http/pick.js';
import type { Plan } from '../catalogue/entities/plan.entity.js';
import { presentPlan, type PlanView } from '../catalogue/presenters.js';
import type { Subscription } from './entities/subscription.entity.js';

/** The Subscription object (docs/api-conventions.md#object-representations), shared by auth and billing. */
export const SUBSCRIPTION_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'account_id',
  'plan_id',
  'status',
  'current_period_start',
  'current_period_end',
  'cancel_at_period_end',
  'payment_provider',
  'external_subscription_id',
] as const satisfies readonly (keyof Subscription)[];

export type SubscriptionView = Pick<Subscription, (typeof SUBSCRIPTION_FIELDS)[number]> & {
  plan: PlanView | null;
};

/** Subscription with its `plan` (Plan object); `plan` must be loaded. */
export function presentSubscription(
  subscription: Subscription,
  plan: Plan | undefined = subscription.plan,
): SubscriptionView {
  return { ...pick(subscription, SUBSCRIPTION_FIELDS), plan: plan ? presentPlan(plan) : null };
}
