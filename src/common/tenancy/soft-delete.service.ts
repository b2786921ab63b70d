import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../http/error-codes.js';

/** A table whose rows are soft-deleted with their parent: `child.column = parent.id`. */
export interface CascadeLink {
  table: string;
  column: string;
}

/** A row's parent for restore: restoring is refused while `parent_table.id = row.column` is deleted. */
export interface ParentLink {
  column: string;
  table: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a SQL identifier: ${name}`);
  return `"${name}"`;
}

/**
 * Soft delete with cascade ids (docs/domain-model.md#soft-delete-and-cascades). Modules declare which tables
 * cascade from which (`registerCascade`) once; delete, restore and purge then work the same for every
 * resource.
 */
@Injectable()
export class SoftDeleteService {
  private readonly children = new Map<string, CascadeLink[]>();
  private readonly hooks = new Map<string, ((manager: EntityManager, ids: number[]) => Promise<void>)[]>();

  registerCascade(parentTable: string, child: CascadeLink): void {
    const list = this.children.get(parentTable) ?? [];
    if (!list.some((c) => c.table === child.table && c.column === child.column)) list.push(child);
    this.children.set(parentTable, list);
  }

  /** Extra work when rows of `table` are soft-deleted (e.g. a cluster detaching its keywords). */
  onSoftDelete(table: string, hook: (manager: EntityManager, ids: number[]) => Promise<void>): void {
    this.hooks.set(table, [...(this.hooks.get(table) ?? []), hook]);
  }

  /** Soft-deletes each row with its own cascade id, shared with the rows its deletion cascades to. */
  async softDelete(
    manager: EntityManager,
    table: string,
    ids: number[],
    actorId: number | null,
  ): Promise<number> {
    let deleted = 0;
    for (const id of ids) {
      const cascadeId = randomUUID();
      const rows = await manager.query<[{ id: number }[], number]>(
        `UPDATE ${ident(table)} SET deleted_at = now(), deleted_by = $2, deleted_cascade_id = $3
          WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
        [id, actorId, cascadeId],
      );
      const touched = rows[0].map((row) => Number(row.id));
      if (touched.length === 0) continue;
      deleted += touched.length;
      await this.cascade(manager, table, touched, actorId, cascadeId);
    }
    return deleted;
  }

  private async cascade(
    manager: EntityManager,
    table: string,
    ids: number[],
    actorId: number | null,
    cascadeId: string,
  ): Promise<void> {
    for (const hook of this.hooks.get(table) ?? []) await hook(manager, ids);
    for (const child of this.children.get(table) ?? []) {
      const rows = await manager.query<[{ id: number }[], number]>(
        `UPDATE ${ident(child.table)} SET deleted_at = now(), deleted_by = $2, deleted_cascade_id = $3
          WHERE ${ident(child.column)} = ANY($1::bigint[]) AND deleted_at IS NULL RETURNING id`,
        [ids, actorId, cascadeId],
      );
      const touched = rows[0].map((row) => Number(row.id));
      if (touched.length > 0) await this.cascade(manager, child.table, touched, actorId, cascadeId);
    }
  }

  /**
   * Restores a trashed row and every row its deletion cascaded to. 409 while a parent is still
   * deleted, or when a restored row would clash with a live unique key (nothing is restored).
   */
  async restore(manager: EntityManager, table: string, id: number, parents: ParentLink[]): Promise<void> {
    const [row] = await manager.query<Record<string, unknown>[]>(
      `SELECT * FROM ${ident(table)} WHERE id = $1 AND deleted_at IS NOT NULL`,
      [id],
    );
    if (!row) throw ApiError.notFound();
    for (const parent of parents) {
      const parentId = row[parent.column];
      if (parentId === null || parentId === undefined) continue;
      const [live] = await manager.query<{ deleted_at: Date | null }[]>(
        `SELECT deleted_at FROM ${ident(parent.table)} WHERE id = $1`,
        [parentId],
      );
      if (live?.deleted_at) throw new ApiError('conflict', 'Restore the parent first.');
    }
    const cascadeId = row.deleted_cascade_id as string | null;
    try {
      await manager.query('SAVEPOINT igny8_restore');
      for (const target of this.tablesUnder(table)) {
        await manager.query(
          `UPDATE ${ident(target)} SET deleted_at = NULL, deleted_by = NULL, deleted_cascade_id = NULL
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
  async purge(manager: EntityManager, table: string, ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await manager.query('SAVEPOINT igny8_purge');
      await manager.query(
        `DELETE FROM ${ident(table)} WHERE id = ANY($1::bigint[]) AND deleted_at IS NOT NULL`,
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

  /** `table` and every table that cascades from it, transitively. */
  private tablesUnder(table: string, seen = new Set<string>()): string[] {
    if (seen.has(table)) return [];
    seen.add(table);
    return [
      table,
      ...(this.children.get(table) ?? []).flatMap((child) => this.tablesUnder(child.table, seen)),
    ];
  }
}
