import type { FastifyRequest } from 'fastify';
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
import { Paginated } from '../http/responses.js';
import type { FilterOptions } from '../list/filter-options.js';
import type { RawQuery } from '../list/list-query.js';
import type { ListSpec } from '../list/list-spec.js';
import { ListService } from '../list/list.service.js';
import { columnRows, type PageComputed, type PageFetch, readsPlainRows } from '../list/paginate.js';
import { ScopedRepository } from './scoped-repository.js';
import { SoftDeleteService } from './soft-delete.service.js';
import type { ScopeOptions, TenantShape } from './tenant-scope.js';
import { TenantSubscriber } from './tenant.subscriber.js';

/** Everything a tenant resource declares; the base turns it into list/get/delete/trash/restore/purge. */
export interface ResourceDefinition<T extends ObjectLiteral, V> {
  entity: EntityTarget<T>;
  table: string;
  alias: string;
  /** The tenancy columns, when they are not the entity's own (`entityShape`). */
  shape?: TenantShape;
  list: ListSpec;
  /** Rows → API objects, for a whole page at once (constant queries for computed fields). */
  present: (rows: T[]) => Promise<V[]> | V[];
  /**
   * The columns list pages read as plain rows instead of entities (hydration is the costly part of a
   * list), so `present` gets rows with exactly these properties. Only for columns `columnRows` can
   * read. Default: entities.
   */
  listColumns?: readonly (keyof T & string)[];
  /**
   * Computed fields list pages select with their `listColumns`, in the same statement; `presentPage`
   * (not `present`) then turns those rows into API objects (default: as they are).
   */
  listComputed?: PageComputed;
  presentPage?: (rows: T[]) => Promise<V[]> | V[];
  /** Unique index name → the field a clash is reported on (400 on create/update). */
  uniques?: Record<string, { field: string; message: string }>;
}

/** The shared services every resource needs, injected once as a bundle. */
@Injectable()
export class ResourceDeps {
  constructor(
    readonly dataSource: DataSource,
    readonly context: TenantContext,
    readonly lists: ListService,
    readonly softDeletes: SoftDeleteService,
    readonly tenantSubscriber: TenantSubscriber,
  ) {}
}

export const BULK_LIMIT = 500;

/** `account_id` narrows lists for cross-account callers; everyone else has it ignored. */
function accountFilter(context: TenantContext, raw: RawQuery): number | undefined {
  if (!context.principal?.bypassTenant) return undefined;
  const value: string | readonly string[] | undefined = raw.account_id;
  if (value === undefined || value === '') return undefined;
  const text = typeof value === 'string' ? value : value[value.length - 1];
  if (typeof text !== 'string' || !/^[1-9]\d{0,15}$/.test(text)) {
    throw ApiError.field('account_id', 'Enter a positive whole number.');
  }
  return Number(text);
}

/**
 * The shared behaviour of every tenant-owned resource: scoped list (filters, search, ordering,
 * pages), filter_options, retrieve, soft delete with cascade, bulk delete, trash, restore and
 * purge. Resource services extend it and add their own create/update rules.
 */
export class ScopedResource<T extends ObjectLiteral, V> {
  readonly repo: ScopedRepository<T>;
  private readonly pageFetch?: PageFetch<T, T>;
  private trashList?: ListSpec;

  constructor(
    protected readonly deps: ResourceDeps,
    readonly definition: ResourceDefinition<T, V>,
  ) {
    this.repo = new ScopedRepository(
      deps.dataSource,
      deps.context,
      definition.entity,
      definition.alias,
      definition.shape,
    );
    if (definition.listColumns) this.pageFetch = this.plainRows(definition.listColumns);
  }

  /** A scoped query for reads; resources may add joins here (labels). */
  protected query(options: ScopeOptions = {}): SelectQueryBuilder<T> {
    return this.repo.query(options);
  }

  async list(
    raw: RawQuery,
    request: FastifyRequest,
    options: { trash?: boolean } = {},
  ): Promise<Paginated<V>> {
    const qb = this.query({ trash: options.trash, accountId: accountFilter(this.deps.context, raw) });
    const listSpec = options.trash ? this.trashSpec() : this.definition.list;
    const page = await this.deps.lists.list(qb, listSpec, raw, request, this.pageFetch);
    return new Paginated(page.count, page.next, page.previous, await this.presentPage(page.results));
  }

  filterOptions(raw: RawQuery): Promise<FilterOptions> {
    const accountId = accountFilter(this.deps.context, raw);
    return this.deps.lists.filterOptions(() => this.query({ accountId }), this.definition.list, raw);
  }

  /** The visible row (404 otherwise). */
  find(id: number, options: ScopeOptions = {}): Promise<T> {
    return this.repo.getVisible(id, options);
  }

  async get(id: number): Promise<V> {
    return this.presentOne(await this.find(id));
  }

  async presentOne(row: T): Promise<V> {
    const [presented] = await this.definition.present([row]);
    return presented;
  }

  async remove(id: number): Promise<void> {
    await this.find(id);
    await this.transaction((manager) => this.softDeleteRows(manager, [id]));
  }

  async bulkDelete(ids: number[]): Promise<{ deleted_count: number }> {
    const visible = await this.repo.visibleIds(ids);
    const deleted = await this.transaction((manager) => this.softDeleteRows(manager, visible));
    return { deleted_count: deleted };
  }

  async restore(id: number): Promise<V> {
    const row = await this.find(id, { trash: true });
    await this.transaction(async (manager) => {
      await this.beforeRestore(manager, row);
      await this.deps.softDeletes.restore(manager, this.definition.entity, id);
      await this.afterRestore(manager, row);
    });
    return this.get(id);
  }

  async purge(ids: number[]): Promise<{ purged_count: number; not_found_ids: number[] }> {
    const inTrash = await this.repo.visibleIds(ids, { trash: true });
    await this.transaction((manager) =>
      this.deps.softDeletes.purge(manager, this.definition.entity, inTrash),
    );
    return { purged_count: inTrash.length, not_found_ids: ids.filter((id) => !inTrash.includes(id)) };
  }

  /** Plan limits and similar checks for rows coming back from the trash. */
  protected async beforeRestore(_manager: EntityManager, _row: T): Promise<void> {}

  /** Side effects of a restore (in the restoring transaction, after the rows are back). */
  protected async afterRestore(_manager: EntityManager, _row: T): Promise<void> {}

  protected softDeleteRows(manager: EntityManager, ids: number[]): Promise<number> {
    return this.deps.softDeletes.softDelete(
      manager,
      this.definition.entity,
      ids,
      this.deps.context.principal?.userId ?? null,
    );
  }

  protected transaction<R>(work: (manager: EntityManager) => Promise<R>): Promise<R> {
    return this.deps.dataSource.transaction(work);
  }

  /** Saves through TypeORM (so the tenant subscriber runs), reporting unique clashes on their field. */
  save(manager: EntityManager, row: T): Promise<T> {
    return this.clashesReported(manager.save(this.definition.entity, row));
  }

  /** Waits for a write (e.g. a call to the store of the module owning the table), reporting unique clashes on their field. */
  protected async clashesReported<R>(write: Promise<R>): Promise<R> {
    try {
      return await write;
    } catch (error) {
      throw this.uniqueClash(error) ?? error;
    }
  }

  uniqueClash(error: unknown): ApiError | null {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code !== '23505') return null;
    const known = constraint ? this.definition.uniques?.[constraint] : undefined;
    return known
      ? ApiError.field(known.field, known.message)
      : ApiError.field('non_field_errors', 'This value already exists.');
  }

  private presentPage(rows: T[]): Promise<V[]> | V[] {
    const { listComputed, presentPage, present } = this.definition;
    if (!listComputed) return present(rows);
    return presentPage ? presentPage(rows) : (rows as unknown as V[]);
  }

  /** Plain rows pass the same load tripwire as entities. */
  private plainRows(columns: readonly string[]): PageFetch<T, T> {
    const fetch = columnRows<T>(this.definition.alias, columns, this.definition.listComputed);
    return readsPlainRows(async (qb) => {
      const rows = await fetch(qb);
      this.deps.tenantSubscriber.checkLoaded(this.definition.table, rows);
      return rows;
    });
  }

  /** The trash list's spec, built on first use and kept (a resource's definition never changes). */
  private trashSpec(): ListSpec {
    return (this.trashList ??= trashListSpec(this.definition.list, this.definition.alias));
  }
}

/** Trash lists the same filters, newest `deleted_at` first. */
export function trashListSpec(spec: ListSpec, alias: string): ListSpec {
  return {
    ...spec,
    ordering: {
      fields: { ...spec.ordering.fields, deleted_at: `${alias}.deleted_at` },
      default: '-deleted_at',
    },
  };
}
