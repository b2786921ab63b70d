import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type EntityManager, In, type SelectQueryBuilder } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { Paginated } from '../../common/http/responses.js';
import { defineList, filter, type RawQuery } from '../../common/list/index.js';
import { ResourceDeps, ScopedResource } from '../../common/tenancy/scoped-resource.js';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import type { PreferenceChange } from './dto/notifications.dto.js';
import {
  Notification,
  NOTIFICATION_SEVERITIES,
  NOTIFICATION_TYPES,
  NotificationPreference,
  type NotificationType,
} from './entities/notification.entity.js';

export const NOTIFICATIONS_LIST = defineList({
  filters: {
    is_read: filter.boolean('n.is_read'),
    notification_type: filter.enum('n.notification_type', NOTIFICATION_TYPES),
    severity: filter.enum('n.severity', NOTIFICATION_SEVERITIES),
    site_id: filter.int('n.site_id'),
  },
  ordering: { fields: { created_at: 'n.created_at' }, default: '-created_at' },
});

export interface PreferenceView {
  notification_type: NotificationType;
  in_app: boolean;
  email: boolean;
}

const present = (rows: Notification[]): Notification[] => rows;

/**
 * `notifications/` (docs/system.md#notifications): the caller's notifications — those of its own
 * account addressed to the whole account or to the caller — minus the types the caller turned off
 * in the app. Reading, marking read and deleting act only on those; anything else is 404.
 */
@Injectable()
export class NotificationsService extends ScopedResource<Notification, Notification> {
  constructor(deps: ResourceDeps) {
    super(deps, {
      entity: Notification,
      table: 'igny8_notifications',
      alias: 'n',
      shape: { account: 'n.account_id' },
      list: NOTIFICATIONS_LIST,
      present,
    });
  }

  /** The caller's visible notifications (the scope every route uses). */
  protected override query(): SelectQueryBuilder<Notification> {
    const { accountId, userId } = this.deps.context.requirePrincipal();
    return this.repo
      .query()
      .andWhere('n.account_id = :own_account', { own_account: accountId })
      .andWhere('(n.user_id IS NULL OR n.user_id = :own_user)', { own_user: userId ?? 0 })
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM igny8_notification_preferences np
          WHERE np.account_id = n.account_id AND np.user_id = :own_user
            AND np.notification_type = n.notification_type AND NOT np.in_app)`,
      );
  }

  override list(raw: RawQuery, request: FastifyRequest): Promise<Paginated<Notification>> {
    return super.list(raw, request);
  }

  override find(id: number): Promise<Notification> {
    return this.query()
      .andWhere('n.id = :notification_id', { notification_id: id })
      .getOne()
      .then((row) => {
        if (!row) throw ApiError.notFound();
        return row;
      });
  }

  async unreadCount(): Promise<{ count: number }> {
    return { count: await this.query().andWhere('NOT n.is_read').getCount() };
  }

  async markRead(id: number): Promise<Notification> {
    const row = await this.find(id);
    if (!row.is_read) {
      row.is_read = true;
      row.read_at = new Date();
      await this.deps.dataSource.manager.save(Notification, row);
    }
    return row;
  }

  async markAllRead(): Promise<{ updated_count: number }> {
    const ids = (
      await this.query().andWhere('NOT n.is_read').select('n.id', 'id').getRawMany<{ id: number }>()
    ).map((row) => Number(row.id));
    if (ids.length === 0) return { updated_count: 0 };
    await this.deps.dataSource.manager.update(
      Notification,
      { id: In(ids) },
      { is_read: true, read_at: new Date() },
    );
    return { updated_count: ids.length };
  }

  /** Notifications are not soft-deletable: deleting one removes it. */
  override async remove(id: number): Promise<void> {
    const row = await this.find(id);
    await this.deps.dataSource.manager.delete(Notification, { id: row.id });
  }

  /** Every type with the caller's choice (default: in the app, no email). */
  async preferences(manager: EntityManager = this.deps.dataSource.manager): Promise<PreferenceView[]> {
    const { accountId, userId } = this.requireUser();
    const rows = await tenantQuery(manager, NotificationPreference, 'np')
      .andWhere('np.account_id = :own_account AND np.user_id = :own_user', {
        own_account: accountId,
        own_user: userId,
      })
      .getMany();
    return NOTIFICATION_TYPES.map((type) => {
      const row = rows.find((candidate) => candidate.notification_type === type);
      return { notification_type: type, in_app: row?.in_app ?? true, email: row?.email ?? false };
    });
  }

  updatePreferences(changes: PreferenceChange[]): Promise<PreferenceView[]> {
    const { accountId, userId } = this.requireUser();
    return this.transaction(async (manager) => {
      for (const change of changes) {
        const row =
          (await tenantQuery(manager, NotificationPreference, 'np')
            .andWhere(
              'np.account_id = :own_account AND np.user_id = :own_user AND np.notification_type = :type',
              {
                own_account: accountId,
                own_user: userId,
                type: change.notification_type,
              },
            )
            .getOne()) ??
          manager.create(NotificationPreference, {
            account_id: accountId,
            user_id: userId,
            notification_type: change.notification_type,
            in_app: true,
            email: false,
          });
        if (change.in_app !== undefined) row.in_app = change.in_app;
        if (change.email !== undefined) row.email = change.email;
        await manager.save(NotificationPreference, row);
      }
      return this.preferences(manager);
    });
  }

  private requireUser(): { accountId: number; userId: number } {
    const { accountId, userId } = this.deps.context.requirePrincipal();
    if (userId === null) throw ApiError.notFound();
    return { accountId, userId };
  }
}
