import type { Account } from '../identity/entities/account.entity.js';
import type { Plan } from '../catalogue/entities/plan.entity.js';
import { pick } from '../../common/http/pick.js';
import type { User } from '../identity/entities/user.entity.js';

/*
 * The JSON shapes of identity objects (docs/api-conventions.md#object-representations): every column under
 * its name plus the computed fields, built from explicit field lists so a new secret column never leaks by
 * default (`password_hash` is never returned).
 */

/** [base] columns (docs/domain-model.md#conventions). */
export const BASE_FIELDS = ['id', 'created_at', 'updated_at'] as const;

/** [base] + [soft] columns. */
export const SOFT_BASE_FIELDS = [...BASE_FIELDS, 'deleted_at', 'deleted_by', 'deleted_cascade_id'] as const;

export const ACCOUNT_FIELDS = [
  ...SOFT_BASE_FIELDS,
  'name',
  'slug',
  'owner_id',
  'plan_id',
  'credits',
  'bonus_credits',
  'held_credits',
  'status',
  'is_active',
  'is_system',
  'account_timezone',
  'billing_email',
  'billing_address_line1',
  'billing_address_line2',
  'billing_city',
  'billing_state',
  'billing_postal_code',
  'billing_country',
  'tax_id',
  'stripe_customer_id',
  'paypal_customer_id',
  'usage_ahrefs_queries',
  'usage_period_start',
] as const satisfies readonly (keyof Account)[];

export type AccountView = Pick<Account, (typeof ACCOUNT_FIELDS)[number]> & {
  plan: { id: number; name: string; slug: string } | null;
  total_credits: number;
  is_system_account: boolean;
};

/** Account with `plan {id, name, slug}`, `total_credits` and `is_system_account`; `plan` must be loaded. */
export function presentAccount(account: Account, plan: Plan | undefined = account.plan): AccountView {
  return {
    ...pick(account, ACCOUNT_FIELDS),
    plan: plan ? { id: plan.id, name: plan.name, slug: plan.slug } : null,
    total_credits: account.credits + account.bonus_credits,
    is_system_account: account.is_system,
  };
}

export const USER_FIELDS = [
  ...SOFT_BASE_FIELDS,
  'account_id',
  'email',
  'username',
  'first_name',
  'last_name',
  'role',
  'is_active',
  'is_superuser',
  'active_site_id',
  'last_login',
  'tokens_valid_after',
  'token_version',
] as const satisfies readonly (keyof User)[];

export type UserView = Pick<User, (typeof USER_FIELDS)[number]> & { full_name: string };
export type UserWithAccountView = UserView & { account: AccountView };

export function fullName(user: Pick<User, 'first_name' | 'last_name'>): string {
  return [user.first_name, user.last_name].filter((part) => part.trim() !== '').join(' ');
}

/** User with `full_name` (never `password_hash`). */
export function presentUser(user: User): UserView {
  return { ...pick(user, USER_FIELDS), full_name: fullName(user) };
}

/** User with `account` (login, register, `auth/me/`); `account` and `account.plan` must be loaded. */
export function presentUserWithAccount(
  user: User,
  account: Account | undefined = user.account,
): UserWithAccountView {
  if (!account) throw new Error('presentUserWithAccount needs the account loaded');
  return { ...presentUser(user), account: presentAccount(account) };
}

export {
  presentSubscription,
  SUBSCRIPTION_FIELDS,
  type SubscriptionView,
} from '../identity/subscription-presenter.js';
