import type { Principal } from '../context/request-context.js';
import type { SiteKeyIdentity, UserIdentity } from './identity-lookup.js';

export type AccountState = Pick<UserIdentity, 'account_status' | 'account_is_active' | 'plan_is_active'>;

/** What every Passport strategy hands to the auth guard: the principal and its account's state. */
export interface Authenticated {
  principal: Principal;
  account: AccountState;
}

/** A user that may hold a session: active and not the system bot (the lookup skips deleted ones). */
export function canSignIn(user: UserIdentity | null): user is UserIdentity {
  return user !== null && user.is_active && user.role !== 'system_bot';
}

export function fromUser(user: UserIdentity, via: 'jwt' | 'session' | 'basic'): Authenticated {
  const developer = user.role === 'developer' || user.is_superuser;
  return {
    principal: {
      userId: user.user_id,
      accountId: user.account_id,
      siteId: null,
      role: developer ? 'developer' : user.role,
      bypassTenant: developer || user.account_is_system,
      via,
    },
    account: user,
  };
}

export function fromSiteKey(site: SiteKeyIdentity): Authenticated {
  return {
    principal: {
      userId: null,
      accountId: site.account_id,
      siteId: site.site_id,
      role: 'editor',
      bypassTenant: false,
      via: 'api_key',
    },
    account: site,
  };
}
