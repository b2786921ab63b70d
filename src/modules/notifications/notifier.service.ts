import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { Site } from '../identity/entities/site.entity.js';
import {
  Notification,
  type NotificationSeverity,
  type NotificationType,
} from './entities/notification.entity.js';

export interface NewNotification {
  accountId: number;
  /** The one user it is for; null (default) for every user of the account. */
  userId?: number | null;
  siteId?: number | null;
  type: NotificationType;
  title: string;
  message: string;
  severity?: NotificationSeverity;
  actionUrl?: string | null;
  actionLabel?: string | null;
  metadata?: Record<string, unknown>;
}

/**
 * Creates notifications (docs/system.md#notifications) for other modules: the AI engine (task
 * completed or failed), billing (credits low) and, later, automation and publishing. Writes in the
 * caller's transaction, so a notification exists exactly when the change that caused it does.
 */
@Injectable()
export class Notifier {
  async notify(manager: EntityManager, notification: NewNotification): Promise<void> {
    const row = manager.create(Notification, {
      account_id: notification.accountId,
      user_id: notification.userId ?? null,
      site_id: await this.siteOfAccount(manager, notification.accountId, notification.siteId),
      notification_type: notification.type,
      title: notification.title.slice(0, 200),
      message: notification.message,
      severity: notification.severity ?? 'info',
      action_url: notification.actionUrl ?? null,
      action_label: notification.actionLabel ?? null,
      metadata: notification.metadata ?? {},
    });
    await manager.save(Notification, row);
  }

  /** The site when it is one of the account's own (live) sites: a stale or foreign id is dropped. */
  private async siteOfAccount(
    manager: EntityManager,
    accountId: number,
    siteId: number | null | undefined,
  ): Promise<number | null> {
    if (siteId == null) return null;
    const found = await tenantQuery(manager, Site, 's')
      .select('s.id')
      .andWhere('s.id = :siteId AND s.account_id = :accountId', { siteId, accountId })
      .getExists();
    return found ? siteId : null;
  }

  /**
   * `credits_low` when a debit takes the account's balance from at least `threshold` (the billing
   * configuration's) to below it. The caller decides what is a debit.
   */
  async creditsChanged(
    manager: EntityManager,
    accountId: number,
    change: { before: number; after: number; threshold: number },
  ): Promise<void> {
    const { before, after, threshold } = change;
    if (!(before >= threshold && after < threshold)) return;
    await this.notify(manager, {
      accountId,
      type: 'credits_low',
      severity: 'warning',
      title: 'Credits are running low',
      message: `Your account has ${after} credits left. Top up or upgrade your plan to keep generating content.`,
      actionUrl: '/account/billing',
      actionLabel: 'Add credits',
      metadata: { balance: after, threshold },
    });
  }
}
