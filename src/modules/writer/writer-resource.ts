import type { EntityManager, ObjectLiteral } from 'typeorm';
import { ScopedResource } from '../../common/tenancy/scoped-resource.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';

/** A skipped row of a `bulk_update`. */
export interface Skipped {
  id: number;
  reason: string;
}

/** The shared base of the writer resources: ScopedResource with set-based status changes. */
export class WriterResource<T extends ObjectLiteral, V> extends ScopedResource<T, V> {
  /**
   * Sets `status` on the visible rows whose current status is one of `fromStates`, in one UPDATE
   * (race-free: the condition is part of the statement); the other visible rows are skipped with
   * reason `invalid_transition`, ids the caller cannot see are ignored.
   */
  protected async bulkSetStatus(
    ids: readonly number[],
    status: string,
    fromStates: readonly string[],
    afterUpdate?: (manager: EntityManager, updated: number[]) => Promise<void>,
  ): Promise<{ updated_count: number; skipped: Skipped[] }> {
    const visible = await this.repo.visibleIds([...new Set(ids)]);
    const updated = new Set<number>();
    if (visible.length > 0 && fromStates.length > 0) {
      await this.transaction(async (manager) => {
        const sql = tenantSql(manager);
        const t = sql.table(this.definition.entity, 't');
        const [rows] = await sql.query<[{ id: number }[], number]>`
          UPDATE ${t} SET status = ${status}, updated_at = now()
           WHERE ${t.scope} AND t.id = ANY(${visible}::bigint[]) AND t.deleted_at IS NULL
             AND t.status = ANY(${fromStates}::varchar[])
          RETURNING t.id`;
        for (const row of rows) updated.add(Number(row.id));
        if (updated.size > 0) await afterUpdate?.(manager, [...updated]);
      });
    }
    const skipped = visible
      .filter((id) => !updated.has(id))
      .sort((a, b) => a - b)
      .map((id) => ({ id, reason: 'invalid_transition' }));
    return { updated_count: updated.size, skipped };
  }
}
