import { ClsServiceManager } from 'nestjs-cls';
import type {
  EntityManager,
  EntityMetadata,
  EntityTarget,
  ObjectLiteral,
  QueryDeepPartialEntity,
  SelectQueryBuilder,
} from 'typeorm';
import type { RequestContextStore } from '../context/request-context.js';
import { MissingTenantContextError, TenantContext } from '../context/tenant-context.service.js';
import { TenantViolationError } from './tenant.subscriber.js';
import { applyTenantScope, type ScopeOptions, tenantConditions, type TenantShape } from './tenant-scope.js';

const ACCOUNTS_TABLE = 'igny8_accounts';
const SITES_TABLE = 'igny8_sites';
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function quoted(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a SQL identifier: ${name}`);
  return `"${name}"`;
}

/**
 * The columns that scope a table, from its entity: `account_id` (the account itself: `id`) and,
 * for site-owned rows, `site_id` (the site itself: `id`). A table without them whose first
 * `ON DELETE CASCADE` relation leads to a tenant table (a link table) is scoped through that row.
 * Neither: a global table (`account: null`).
 */
export function tenantShape(metadata: EntityMetadata, alias: string): TenantShape {
  const own = ownColumns(metadata);
  if (own.account) {
    return {
      account: `${quoted(alias)}.${own.account}`,
      site: own.site && `${quoted(alias)}.${own.site}`,
    };
  }
  const owner = metadata.manyToOneRelations.find(
    (relation) => relation.onDelete === 'CASCADE' && ownColumns(relation.inverseEntityMetadata).account,
  );
  if (!owner) return { account: null };
  const parent = ownColumns(owner.inverseEntityMetadata);
  const through = (column: string) =>
    `(SELECT tenant_owner.${column} FROM ${quoted(owner.inverseEntityMetadata.tableName)} tenant_owner` +
    ` WHERE tenant_owner.id = ${quoted(alias)}.${quoted(owner.joinColumns[0].databaseName)})`;
  return { account: through(parent.account!), site: parent.site && through(parent.site) };
}

/** `tenantShape` plus the soft-delete column: what a scoped query builder filters on. */
export function entityShape(metadata: EntityMetadata, alias: string): TenantShape {
  const shape = tenantShape(metadata, alias);
  if (metadata.findColumnWithPropertyName('deleted_at')) shape.deletedAt = `${quoted(alias)}.deleted_at`;
  return shape;
}

function ownColumns(metadata: EntityMetadata): { account: string | null; site?: string } {
  const has = (column: string) => metadata.findColumnWithPropertyName(column) !== undefined;
  return {
    account: metadata.tableName === ACCOUNTS_TABLE ? 'id' : has('account_id') ? 'account_id' : null,
    site: metadata.tableName === SITES_TABLE ? 'id' : has('site_id') ? 'site_id' : undefined,
  };
}

/** A piece of SQL built by `TenantSql.sql` (values in it stay parameters). */
class SqlFragment {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
}

class SqlIdentifier {
  constructor(readonly name: string) {}
}

/** The tenant condition of a `SqlTable` (`TRUE` for the system and cross-account callers). */
class SqlScope {
  constructor(readonly table: SqlTable) {}
}

/**
 * A table of a statement: `${table}` renders `"igny8_keywords" AS "k"`, `${table.scope}` the
 * caller's tenancy on it; a statement naming a tenant table without its scope is refused.
 */
export class SqlTable {
  readonly scope = new SqlScope(this);

  constructor(
    readonly name: string,
    readonly alias: string,
    readonly shape: TenantShape | null,
    readonly wholeAccount: boolean,
  ) {}
}

/** A table, its scope, a fragment or identifier of this module; anything else is a bound parameter. */
type SqlValue = unknown;

/**
 * Raw SQL over tenant tables (docs/tenancy-sql.md): tables are named through `table()`, whose
 * tenant condition the statement places with `${t.scope}` — the account and, for site-owned rows,
 * the caller's sites, from the request context (no context outside `runAsSystem` throws). Every
 * other interpolated value is a bound parameter.
 */
export class TenantSql {
  constructor(
    private readonly manager: EntityManager,
    private readonly context: TenantContext,
  ) {}

  /**
   * A tenant table under `alias`. `wholeAccount` leaves out the caller's site restriction (numbers
   * that cover the whole account, like plan limits).
   */
  table(
    entity: EntityTarget<ObjectLiteral>,
    alias: string,
    options: { wholeAccount?: boolean } = {},
  ): SqlTable {
    const metadata = this.manager.connection.getMetadata(entity);
    const shape = tenantShape(metadata, alias);
    if (!shape.account) throw new Error(`${metadata.tableName} is not a tenant table: use global()`);
    return new SqlTable(metadata.tableName, alias, shape, options.wholeAccount ?? false);
  }

  /** A table without tenancy (catalogue, plans); refused for a tenant table. */
  global(entity: EntityTarget<ObjectLiteral>, alias: string): SqlTable {
    const metadata = this.manager.connection.getMetadata(entity);
    if (tenantShape(metadata, alias).account) throw new Error(`${metadata.tableName} is a tenant table`);
    return new SqlTable(metadata.tableName, alias, null, false);
  }

  /**
   * The target of an INSERT (no alias, no condition): the rows' `account_id` must come from a row
   * the caller was shown (a visible site), as the tenant subscriber would stamp it.
   */
  insertInto(entity: EntityTarget<ObjectLiteral>): SqlIdentifier {
    return new SqlIdentifier(this.manager.connection.getMetadata(entity).tableName);
  }

  /** A column or other name chosen by code (quoted, checked). */
  identifier(name: string): SqlIdentifier {
    return new SqlIdentifier(name);
  }

  /**
   * SQL text kept in code constants (computed columns shared with list queries); never built from
   * input. Tables it names are reached through a scoped row of the statement.
   */
  constant(text: string): SqlFragment {
    return new SqlFragment([text], []);
  }

  /** A fragment to compose into a statement (its values stay parameters). */
  sql(strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment {
    return new SqlFragment(strings, values);
  }

  join(fragments: readonly SqlFragment[], separator: string): SqlFragment {
    const strings = ['', ...fragments.slice(1).map(() => separator), ''];
    return new SqlFragment(fragments.length === 0 ? [''] : strings, fragments);
  }

  /** Runs the statement; the result is what `EntityManager.query` returns for it. */
  async query<R = unknown>(strings: TemplateStringsArray, ...values: SqlValue[]): Promise<R> {
    const parameters: unknown[] = [];
    const named = new Set<SqlTable>();
    const scoped = new Set<SqlTable>();
    const render = (fragment: SqlFragment): string =>
      fragment.strings.reduce((text, part, index) => {
        if (index === 0) return part;
        const value = fragment.values[index - 1];
        return text + this.render(value, parameters, named, scoped, render) + part;
      }, '');
    const text = render(new SqlFragment(strings, values));
    for (const table of named) {
      if (table.shape && !scoped.has(table)) {
        throw new Error(`${table.name} ${table.alias} is named without its tenant scope`);
      }
    }
    return this.manager.query<R>(text, parameters);
  }

  /**
   * Runs an `UPDATE` / `DELETE` / `INSERT … RETURNING` and gives back the returned rows. A bare
   * `UPDATE … RETURNING` through `query()` answers `[rows, count]` on PostgreSQL (TypeORM's shape
   * for UPDATE and DELETE), so its `.length` is always 2: the statement runs as a CTE here, whose
   * `SELECT` answers the rows alone.
   */
  async returning<R extends object = Record<string, unknown>>(
    strings: TemplateStringsArray,
    ...values: SqlValue[]
  ): Promise<R[]> {
    const statement = new SqlFragment(strings, values);
    return this.query<R[]>`WITH changed AS (${statement}) SELECT * FROM changed`;
  }

  private render(
    value: SqlValue,
    parameters: unknown[],
    named: Set<SqlTable>,
    scoped: Set<SqlTable>,
    render: (fragment: SqlFragment) => string,
  ): string {
    if (value instanceof SqlTable) {
      named.add(value);
      return `${quoted(value.name)} AS ${quoted(value.alias)}`;
    }
    if (value instanceof SqlScope) {
      scoped.add(value.table);
      const bind = (_name: string, bound: unknown) => `$${parameters.push(bound)}`;
      const { shape, wholeAccount } = value.table;
      const conditions = shape ? tenantConditions(this.context, shape, bind, { wholeAccount }) : [];
      return conditions.length === 0 ? 'TRUE' : `(${conditions.join(' AND ')})`;
    }
    if (value instanceof SqlIdentifier) return quoted(value.name);
    if (value instanceof SqlFragment) return render(value);
    return `$${parameters.push(value)}`;
  }
}

function currentContext(): TenantContext {
  return new TenantContext(ClsServiceManager.getClsService<RequestContextStore>());
}

/** Raw SQL on `manager` (a transaction's, or the data source's), scoped by the current request context. */
export function tenantSql(manager: EntityManager): TenantSql {
  return new TenantSql(manager, currentContext());
}

/**
 * A query builder over the rows of a tenant entity the caller may see (live ones unless
 * `options.trash`), on `manager`; its tenancy comes from the entity like `TenantSql.table`.
 */
export function tenantQuery<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  alias: string,
  options: ScopeOptions = {},
): SelectQueryBuilder<T> {
  const metadata = manager.connection.getMetadata(entity);
  const shape = entityShape(metadata, alias);
  if (!shape.account) throw new Error(`${metadata.tableName} is not a tenant table: use globalQuery()`);
  return applyTenantScope(manager.createQueryBuilder(entity, alias), currentContext(), shape, options);
}

/** A query builder over a table without tenancy (catalogue, plans); refused for a tenant table. */
export function globalQuery<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  alias: string,
): SelectQueryBuilder<T> {
  const metadata = manager.connection.getMetadata(entity);
  if (tenantShape(metadata, alias).account) throw new Error(`${metadata.tableName} is a tenant table`);
  return manager.createQueryBuilder(entity, alias);
}

/**
 * INSERT … ON CONFLICT DO NOTHING of one tenant row (a concurrent first write wins). The insert
 * subscriber does not run for it, so the row's account is checked here: the caller's own unless
 * it bypasses tenancy, and no context outside `runAsSystem` throws.
 */
export async function insertOrIgnore<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  row: QueryDeepPartialEntity<T> & { account_id: number | null },
): Promise<void> {
  const context = currentContext();
  const principal = context.principal;
  if (!principal && !context.isSystem) throw new MissingTenantContextError();
  if (principal && !principal.bypassTenant && Number(row.account_id) !== principal.accountId) {
    throw new TenantViolationError('Refusing to insert a row of another account');
  }
  await manager.createQueryBuilder().insert().into(entity).values(row).orIgnore().execute();
}
