import { AsyncLocalStorage } from 'node:async_hooks';
import { ClsService } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { Principal, RequestContextStore } from '../context/request-context.js';
import { TenantContext } from '../context/tenant-context.service.js';
import { TenantSubscriber, TenantViolationError } from './tenant.subscriber.js';

const cls = new ClsService<RequestContextStore>(new AsyncLocalStorage());
const subscriber = new TenantSubscriber(new DataSource({ type: 'postgres' }), new TenantContext(cls));

function as<T>(principal: Partial<Principal>, fn: () => T): T {
  return cls.run(() => {
    cls.set('principal', {
      userId: 1,
      accountId: 1,
      siteId: null,
      role: 'owner',
      bypassTenant: false,
      via: 'jwt',
      ...principal,
    });
    return fn();
  });
}

describe('the load tripwire for plain rows (list pages)', () => {
  it("trips on a row of another account among the caller's", () => {
    as({}, () => {
      expect(() =>
        subscriber.checkLoaded('igny8_keywords', [{ account_id: 1 }, { account_id: 1 }]),
      ).not.toThrow();
      expect(() => subscriber.checkLoaded('igny8_keywords', [{ account_id: 1 }, { account_id: 2 }])).toThrow(
        TenantViolationError,
      );
    });
  });

  it('reads the account of account rows from their id', () => {
    as({}, () => {
      expect(() => subscriber.checkLoaded('igny8_accounts', [{ id: 2, account_id: 1 }])).toThrow(
        TenantViolationError,
      );
    });
  });

  it('lets cross-account principals and rows without an account through', () => {
    as({ bypassTenant: true }, () => {
      expect(() => subscriber.checkLoaded('igny8_keywords', [{ account_id: 2 }])).not.toThrow();
    });
    as({}, () => {
      expect(() => subscriber.checkLoaded('igny8_plans', [{ id: 5 }])).not.toThrow();
    });
  });
});
