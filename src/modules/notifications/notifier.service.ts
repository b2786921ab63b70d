import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { Mailer } from '../../common/mail/mailer.service.js';
import { tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { AppConfig } from '../../config/app-config.js';
import { afterCommit } from '../../database/after-commit.js';
import { Site } from '../identity/entities/site.entity.js';
import { User } from '../identity/entities/user.entity.js';
import {
  Notification,
  NotificationPreference,
  type NotificationSeverity,
  type NotificationType,
} from './entities/notification.entity.js';

/** Where a notification email points when the notification has no action of its own. */
const NOTIFICATIONS_PATH = '/notifications';
const PREFERENCES_PATH = '/account/notifications';

interface EmailRecipient {
  id: number;
  email: string;
  first_name: string;
  username: string;
}

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
 * completed or failed), billing (credits low), automation and publishing. Writes in the caller's
 * transaction, so a notification exists exactly when the change that caused it does; the emails of the
 * users who chose email for its type leave once that transaction commits.
 */
@Injectable()
export class Notifier {
  constructor(
    private readonly mailer: Mailer,
    private readonly config: AppConfig,
    private readonly context: TenantContext,
  ) {}

  async notify(manager: EntityManager, notification: NewNotification): Promise<void> {
    const row = manager.create(Notification, {
      account_id: notification.accountId,
      user_id: notification.userId ?? null,
      site_id: await this.lookup(notification.accountId, () =>
        this.siteOfAccount(manager, notification.accountId, notification.siteId),
      ),
      notification_type: notification.type,
      title: notification.title.slice(0, 200),
      message: notification.message,
      severity: notification.severity ?? 'info',
      action_url: notification.actionUrl ?? null,
      action_label: notification.actionLabel ?? null,
      metadata: notification.metadata ?? {},
    });
    await manager.save(Notification, row);
    await this.email(manager, notification);
  }

  /** The `notification` email to each recipient whose preference for the type says email. */
  private async email(manager: EntityManager, notification: NewNotification): Promise<void> {
    const recipients = await this.lookup(notification.accountId, () =>
      this.emailRecipients(manager, notification),
    );
    if (recipients.length === 0) return;
    const base = this.config.frontendUrl.replace(/\/+$/, '');
    const link = (path: string) => (/^https?:\/\//i.test(path) ? path : `${base}${path}`);
    const variables = {
      title: notification.title.slice(0, 200),
      message: notification.message,
      action_url: link(notification.actionUrl ?? NOTIFICATIONS_PATH),
      action_label: notification.actionLabel ?? 'Open IGNY8',
      preferences_url: link(PREFERENCES_PATH),
    };
    afterCommit(manager, () => {
      for (const user of recipients) {
        this.mailer.send({
          template: 'notification',
          to: user.email,
          accountId: notification.accountId,
          userId: Number(user.id),
          variables: { ...variables, name: user.first_name.trim() || user.username },
        });
      }
    });
  }

  /**
   * Reads of the notification's own account (every one names it explicitly). A change that happens
   * with no principal (a payment provider's webhook, a start-up command) still gets its notification.
   */
  private lookup<T>(accountId: number, read: () => Promise<T>): Promise<T> {
    if (this.context.principal || this.context.isSystem) return read();
    return this.context.runAsSystem(`notification of account ${accountId}`, read, 'debug');
  }

  /** Live, active users it is for (the one user, or every user of the account) with email on for the type. */
  private emailRecipients(manager: EntityManager, notification: NewNotification): Promise<EmailRecipient[]> {
    const sql = tenantSql(manager);
    const [u, np] = [sql.table(User, 'u'), sql.table(NotificationPreference, 'np')];
    const userId = notification.userId ?? null;
    return sql.query<EmailRecipient[]>`
      SELECT u.id, u.email, u.first_name, u.username
        FROM ${u} JOIN ${np} ON np.user_id = u.id AND np.account_id = u.account_id
       WHERE ${u.scope} AND ${np.scope} AND u.account_id = ${notification.accountId}
         AND u.deleted_at IS NULL AND u.is_active AND np.email
         AND np.notification_type = ${notification.type}
         AND (${userId}::bigint IS NULL OR u.id = ${userId})
       ORDER BY u.id`;
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
