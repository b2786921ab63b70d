import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  DataSource,
  type EntitySubscriberInterface,
  type InsertEvent,
  type LoadEvent,
  type ObjectLiteral,
  type UpdateEvent,
} from 'typeorm';
import { TenantContext } from '../context/tenant-context.service.js';
import { ApiError } from '../http/error-codes.js';

export class TenantViolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantViolationError';
  }
}

const ACCOUNTS_TABLE = 'igny8_accounts';

function hasColumn(event: { metadata: { findColumnWithPropertyName(name: string): unknown } }, name: string) {
  return event.metadata.findColumnWithPropertyName(name) !== undefined;
}

/**
 * The write-side tenancy layer, for every entity: stamps `account_id` (from the site for
 * site-scoped rows, checking the sector belongs to that site) and `created_by` on insert, refuses
 * to move a row to another account on update, and trips when a foreign row is loaded for a
 * request that may not see it.
 */
@Injectable()
export class TenantSubscriber implements EntitySubscriberInterface<ObjectLiteral>, OnModuleInit {
  private readonly logger = new Logger('TenantSubscriber');

  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
  ) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  async beforeInsert(event: InsertEvent<ObjectLiteral>): Promise<void> {
    const row = event.entity;
    if (!row || !hasColumn(event, 'account_id') || event.metadata.tableName === ACCOUNTS_TABLE) return;
    const principal = this.context.principal;
    if (hasColumn(event, 'site_id') && row.site_id != null) {
      const [site] = await event.manager.query<{ account_id: number }[]>(
        'SELECT account_id FROM igny8_sites WHERE id = $1',
        [row.site_id],
      );
      if (!site)
        throw ApiError.field('site_id', `Invalid pk "${String(row.site_id)}" - object does not exist.`);
      row.account_id = site.account_id;
      if (hasColumn(event, 'sector_id') && row.sector_id != null) {
        const [sector] = await event.manager.query<{ site_id: number }[]>(
          'SELECT site_id FROM igny8_sectors WHERE id = $1',
          [row.sector_id],
        );
        if (!sector || Number(sector.site_id) !== Number(row.site_id)) {
          throw ApiError.field('sector_id', 'Sector does not belong to the site.');
        }
      }
    } else if (principal && (!principal.bypassTenant || row.account_id == null)) {
      row.account_id = principal.accountId;
    }
    if (principal && !principal.bypassTenant && Number(row.account_id) !== principal.accountId) {
      this.trip('insert', event.metadata.tableName, row.account_id);
    }
    if (hasColumn(event, 'created_by') && row.created_by == null && principal?.userId) {
      row.created_by = principal.userId;
    }
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    const before = event.databaseEntity;
    const after = event.entity;
    if (!before || !after || !hasColumn(event, 'account_id')) return;
    if (after.account_id !== undefined && Number(after.account_id) !== Number(before.account_id)) {
      throw new TenantViolationError(`Refusing to move a ${event.metadata.tableName} row to another account`);
    }
  }

  afterLoad(entity: ObjectLiteral, event?: LoadEvent<ObjectLiteral>): void {
    if (event) this.checkLoaded(event.metadata.tableName, [entity]);
  }

  /** The load tripwire; also called for rows read without entity hydration (plain list pages). */
  checkLoaded(table: string, rows: readonly ObjectLiteral[]): void {
    const principal = this.context.principal;
    if (!principal || principal.bypassTenant) return;
    for (const row of rows) {
      const owner: unknown = table === ACCOUNTS_TABLE ? row.id : row.account_id;
      if (owner !== undefined && owner !== null && Number(owner) !== principal.accountId) {
        this.trip('load', table, owner);
      }
    }
  }

  private trip(action: string, table: string, owner: unknown): never {
    this.logger.error(
      { action, table, owner, accountId: this.context.principal?.accountId },
      'Tenant tripwire',
    );
    throw new TenantViolationError(`Tenant tripwire: ${action} of a ${table} row of another account`);
  }
}
