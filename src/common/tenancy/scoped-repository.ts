import { Injectable } from '@nestjs/common';
import {
  DataSource,
  type EntityManager,
  type EntityTarget,
  type ObjectLiteral,
  type SelectQueryBuilder,
} from 'typeorm';
import { TenantContext } from '../context/tenant-context.service.js';
import { ApiError } from '../http/error-codes.js';
import { applyTenantScope, type ScopeOptions, type TenantShape } from './tenant-scope.js';
import { entityShape } from './tenant-sql.js';

export function invalidReference(id: unknown): string {
  return `Invalid pk "${String(id)}" - object does not exist.`;
}

/**
 * Tenant-owned rows are read through this: every query it builds is already limited to what the
 * caller may see (account, sites, live/trash), so a foreign id behaves exactly like a missing one.
 */
export class ScopedRepository<T extends ObjectLiteral> {
  readonly shape: TenantShape;

  /** `shape`: the tenancy columns, by default those of the entity (`entityShape`). */
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    readonly entity: EntityTarget<T>,
    readonly alias: string,
    shape?: TenantShape,
  ) {
    this.shape = shape ?? entityShape(dataSource.getMetadata(entity), alias);
  }

  /** A query builder over the visible rows; pass the transaction's manager inside a transaction. */
  query(options: ScopeOptions = {}, manager: EntityManager = this.dataSource.manager): SelectQueryBuilder<T> {
    return applyTenantScope(
      manager.getRepository(this.entity).createQueryBuilder(this.alias),
      this.context,
      this.shape,
      options,
    );
  }

  findVisible(id: number, options: ScopeOptions = {}): Promise<T | null> {
    if (!Number.isSafeInteger(id) || id <= 0) return Promise.resolve(null);
    return this.query(options).andWhere(`${this.alias}.id = :scoped_id`, { scoped_id: id }).getOne();
  }

  /** The visible row with this id from a path, else 404. */
  async getVisible(id: number, options: ScopeOptions = {}): Promise<T> {
    const row = await this.findVisible(id, options);
    if (!row) throw ApiError.notFound();
    return row;
  }

  /** The visible row a request body names in `field`, else 400 on that field (like a missing id). */
  async reference(field: string, id: unknown): Promise<T> {
    const row = typeof id === 'number' ? await this.findVisible(id) : null;
    if (!row) throw ApiError.field(field, invalidReference(id));
    return row;
  }

  /** The subset of `ids` the caller can see (bulk actions ignore the rest). */
  async visibleIds(ids: readonly number[], options: ScopeOptions = {}): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.query(options)
      .select(`${this.alias}.id`, 'id')
      .andWhere(`${this.alias}.id IN (:...scoped_ids)`, { scoped_ids: ids })
      .getRawMany<{ id: number }>();
    return rows.map((row) => Number(row.id));
  }
}

/** Builds scoped repositories; the only sanctioned way to read tenant-owned tables. */
@Injectable()
export class ScopedRepositories {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
  ) {}

  for<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    alias: string,
    shape?: TenantShape,
  ): ScopedRepository<T> {
    return new ScopedRepository(this.dataSource, this.context, entity, alias, shape);
  }
}
