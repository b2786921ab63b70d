import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { defineList, filter } from '../../common/list/index.js';
import { ResourceDeps, ScopedResource } from '../../common/tenancy/scoped-resource.js';
import { SUBSCRIPTION_STATUSES, Subscription } from '../identity/entities/subscription.entity.js';
import { presentSubscription, type SubscriptionView } from '../auth/presenters.js';
import { plansById } from './plans-by-id.js';

export const SUBSCRIPTIONS_LIST = defineList({
  filters: { status: filter.enum('sub.status', SUBSCRIPTION_STATUSES) },
  ordering: { fields: { created_at: 'sub.created_at' }, default: '-created_at' },
});

/** Subscriptions with their `plan` (Plan object): one query for the plans of a whole page. */
async function presentSubscriptions(
  dataSource: DataSource,
  rows: Subscription[],
): Promise<SubscriptionView[]> {
  const plans = await plansById(dataSource, rows);
  return rows.map((row) => presentSubscription(row, plans.get(row.plan_id)));
}

/** `auth/subscriptions/` (read only): the caller's account, or every account for developers. */
@Injectable()
export class SubscriptionsService extends ScopedResource<Subscription, SubscriptionView> {
  constructor(deps: ResourceDeps) {
    super(deps, {
      entity: Subscription,
      table: 'igny8_subscriptions',
      alias: 'sub',
      list: SUBSCRIPTIONS_LIST,
      present: (rows) => presentSubscriptions(deps.dataSource, rows),
    });
  }
}
