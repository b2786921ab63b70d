import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type EntityTarget } from 'typeorm';
import { ApiError } from '../http/error-codes.js';
import type { SoftDeleteHook, SoftDeleteRule } from './soft-delete.js';

export const SOFT_DELETE_RULES = Symbol('SOFT_DELETE_RULES');

/** `table.column` references a row of the other side of a cascade. */
export interface TableLink {
  table: string;
  column: string;
}

interface CompiledRule {
  children: TableLink[];
  parents: TableLink[];
  beforeDelete?: SoftDeleteHook;
  afterDelete?: SoftDeleteHook;
}

/**
 * Soft delete with cascade ids (docs/tenancy-sql.md): set-based for any number of ids, every
 * directly deleted row gets its own `deleted_cascade_id`, which the rows its deletion cascades to
 * share. The cascades and hooks are the static `SoftDeleteRule`s given to `TenancyModule.forRoot`,
 * resolved to tables and columns through the TypeORM relation metadata once.
 */
@Injectable()
export class SoftDeleteService {
  private readonly rules = new Map<string, CompiledRule>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SOFT_DELETE_RULES) rules: readonly SoftDeleteRule[],
  ) {
    for (const rule of rules) this.compile(rule);
  }

  /** Tables whose rows are deleted with a row of `entity`, and the column naming it. */
  cascadesFrom(entity: EntityTarget<object>): readonly TableLink[] {
    return this.rule(this.table(entity)).children;
  }

  /** Tables whose deleted row blocks restoring a row of `entity`, and its column naming it. */
  parentsOf(entity: EntityTarget<object>): readonly TableLink[] {
    return this.rule(this.table(entity)).parents;
  }

  /** Soft-deletes the live rows among `ids` and what they cascade to; returns how many were deleted directly. */
  async softDelete(
    manager: EntityManager,
    entity: EntityTarget<object>,
    ids: readonly number[],
    actorId: number | null,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const table = this.table(entity);
    await this.rule(table).beforeDelete?.(manager, [...ids]);
    const [rows] = await manager.query<[{ id: number }[], number]>(
      `UPDATE "${table}" SET deleted_at = now(), deleted_by = $2, deleted_cascade_id = gen_random_uuid()
        WHERE id = ANY($1::bigint[]) AND deleted_at IS NULL RETURNING id`,
      [ids, actorId],
    );
    const deleted = rows.map((row) => Number(row.id));
    await this.deleted(manager, table, deleted, actorId);
    return deleted.length;
  }

  /** After `ids` of `table` are deleted: its hook, then its children take each parent's cascade id. */
  private async deleted(
    manager: EntityManager,
    table: string,
    ids: number[],
    actorId: number | null,
  ): Promise<void> {
    if (ids.length === 0) return;
    const rule = this.rule(table);
    await rule.afterDelete?.(manager, ids);
    for (const child of rule.children) {
      const [rows] = await manager.query<[{ id: number }[], number]>(
        `UPDATE "${child.table}" c
            SET deleted_at = p.deleted_at, deleted_by = $2, deleted_cascade_id = p.deleted_cascade_id
           FROM "${table}" p
          WHERE c."${child.column}" = p.id AND p.id = ANY($1::bigint[]) AND c.deleted_at IS NULL
          RETURNING c.id`,
        [ids, actorId],
      );
      await this.deleted(
        manager,
        child.table,
        rows.map((row) => Number(row.id)),
        actorId,
      );
    }
  }

  /**
   * Restores a trashed row and every row its deletion cascaded to. 409 while a parent is still
   * deleted, or when a restored row would clash with a live unique key (nothing is restored).
   */
  async restore(manager: EntityManager, entity: EntityTarget<object>, id: number): Promise<void> {
    const table = this.table(entity);
    const [row] = await manager.query<Record<string, unknown>[]>(
      `SELECT * FROM "${table}" WHERE id = $1 AND deleted_at IS NOT NULL`,
      [id],
    );
    if (!row) throw ApiError.notFound();
    for (const parent of this.rule(table).parents) {
      const parentId = row[parent.column];
      if (parentId === null || parentId === undefined) continue;
      const [live] = await manager.query<{ deleted_at: Date | null }[]>(
        `SELECT deleted_at FROM "${parent.table}" WHERE id = $1`,
        [parentId],
      );
      if (live?.deleted_at) throw new ApiError('conflict', 'Restore the parent first.');
    }
    const cascadeId = row.deleted_cascade_id as string | null;
    try {
      await manager.query('SAVEPOINT igny8_restore');
      for (const target of this.tablesUnder(table)) {
        await manager.query(
          `UPDATE "${target}" SET deleted_at = NULL, deleted_by = NULL, deleted_cascade_id = NULL
            WHERE deleted_at IS NOT NULL AND (deleted_cascade_id = $1 ${target === table ? 'OR id = $2' : ''})`,
          target === table ? [cascadeId, id] : [cascadeId],
        );
      }
      await manager.query('RELEASE SAVEPOINT igny8_restore');
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT igny8_restore');
      if ((error as { code?: string }).code === '23505') {
        throw new ApiError('conflict', 'A live row already holds the same unique value.');
      }
      throw error;
    }
  }

  /** Hard-deletes trashed rows; a restricting reference → 409 `in_use` and nothing is purged. */
  async purge(manager: EntityManager, entity: EntityTarget<object>, ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await manager.query('SAVEPOINT igny8_purge');
      await manager.query(
        `DELETE FROM "${this.table(entity)}" WHERE id = ANY($1::bigint[]) AND deleted_at IS NOT NULL`,
        [ids],
      );
      await manager.query('RELEASE SAVEPOINT igny8_purge');
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT igny8_purge');
      // 23503 foreign_key_violation; PostgreSQL 18 reports a blocked ON DELETE RESTRICT as 23001.
      if (['23503', '23001'].includes((error as { code?: string }).code ?? '')) {
        throw new ApiError('in_use', 'This object is still referenced and cannot be deleted.');
      }
      throw error;
    }
  }

  private table(entity: EntityTarget<object>): string {
    const metadata = this.dataSource.getMetadata(entity);
    if (!metadata.findColumnWithPropertyName('deleted_cascade_id')) {
      throw new Error(`${metadata.tableName} is not soft-deletable`);
    }
    return metadata.tableName;
  }

  private rule(table: string): CompiledRule {
    let rule = this.rules.get(table);
    if (!rule) {
      rule = { children: [], parents: [] };
      this.rules.set(table, rule);
    }
    return rule;
  }

  /** Resolves each cascade's relation to `child.column → parent.id`, refusing one that points elsewhere. */
  private compile({ entity, cascade = [], beforeDelete, afterDelete }: SoftDeleteRule): void {
    const parentTable = this.table(entity);
    const rule = this.rule(parentTable);
    Object.assign(rule, { beforeDelete, afterDelete });
    for (const { child, relation } of cascade) {
      const metadata = this.dataSource.getMetadata(child);
      const link = metadata.findRelationWithPropertyPath(relation);
      const column = link?.joinColumns[0]?.databaseName;
      if (!link || !column || link.inverseEntityMetadata.tableName !== parentTable) {
        throw new Error(`${metadata.name}.${relation} is not a relation to ${parentTable}`);
      }
      const childTable = this.table(child);
      rule.children.push({ table: childTable, column });
      this.rule(childTable).parents.push({ table: parentTable, column });
    }
  }

  /** `table` and every table that cascades from it, transitively. */
  private tablesUnder(table: string, seen = new Set<string>()): string[] {
    if (seen.has(table)) return [];
    seen.add(table);
    return [table, ...this.rule(table).children.flatMap((child) => this.tablesUnder(child.table, seen))];
  }
}
