import type { EntityManager, ObjectLiteral } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import type { StateMachine } from '../../common/state-machine.js';
import type { ScopedRepository } from '../../common/tenancy/scoped-repository.js';
import { ScopedResource } from '../../common/tenancy/scoped-resource.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import type { ScopeOptions } from '../../common/tenancy/tenant-scope.js';
import type { Sector } from '../identity/entities/sector.entity.js';
import type { Site } from '../identity/entities/site.entity.js';

/*
 * What the planner's and the writer's rows share: each lives in a site and (mostly) one of its
 * sectors, fixed at creation, and is changed in sets by the bulk actions of docs/domain-model.md.
 */

/** Where a new row goes: a visible site and, unless optional and absent, a visible sector of it. */
export interface Placement {
  site: Site;
  sector: Sector | null;
}

/**
 * The site and sector of a new row: both visible and live (400 on the field otherwise, like a
 * missing id), the sector one of that site. `site` skips reading a site the caller already holds.
 */
export async function resolvePlacement(
  sites: ScopedRepository<Site>,
  sectors: ScopedRepository<Sector>,
  siteId: unknown,
  sectorId: unknown,
  { sectorRequired = true, site }: { sectorRequired?: boolean; site?: Site } = {},
): Promise<Placement> {
  const resolvedSite = site ?? (await sites.reference('site_id', siteId));
  if (!sectorRequired && (sectorId === undefined || sectorId === null)) {
    return { site: resolvedSite, sector: null };
  }
  if (sectorId === undefined || sectorId === null)
    throw ApiError.field('sector_id', 'This field is required.');
  const sector = await sectors.reference('sector_id', sectorId);
  if (Number(sector.site_id) !== Number(resolvedSite.id)) {
    throw ApiError.field('sector_id', 'Sector does not belong to the site.');
  }
  return { site: resolvedSite, sector };
}

/** A row a status action left as it was. */
export interface Skipped {
  id: number;
  reason: string;
}

/**
 * The scoped resource of planner and writer rows, with their two bulk changes: `bulk_update`
 * (planner) refuses the whole request when one row may not make the transition, while the writer's
 * status actions change the rows that may and report the others as skipped.
 */
export abstract class SiteSectorResource<T extends ObjectLiteral, V> extends ScopedResource<T, V> {
  /**
   * `bulk_update`: sets the given columns on the visible rows among `ids` in one statement; a
   * status change is checked against the state machine for every row first. `changes` names
   * columns (from code, never from the request); undefined values are not set.
   */
  protected async bulkUpdateRows(
    ids: readonly number[],
    changes: Record<string, string | boolean | undefined>,
    machine: StateMachine<string>,
  ): Promise<{ updated_count: number }> {
    const set = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (set.length === 0) {
      throw ApiError.field(
        'non_field_errors',
        `Provide at least one of: ${Object.keys(changes).join(', ')}.`,
      );
    }
    return this.transaction(async (manager) => {
      const rows = await this.lockVisible(manager, ids);
      const status = changes.status;
      if (typeof status === 'string') {
        for (const row of rows)
          machine.assertTransition(String(row.status), status, { allowUnchanged: true });
      }
      if (rows.length === 0) return { updated_count: 0 };
      const sql = tenantSql(manager);
      const t = sql.table(this.definition.entity, 't');
      const assignments = sql.join(
        set.map(([column, value]) => sql.sql`${sql.identifier(column)} = ${value}`),
        ', ',
      );
      await sql.query`
        UPDATE ${t} SET ${assignments}, updated_at = now()
         WHERE ${t.scope} AND t.id = ANY(${rows.map((row) => Number(row.id))}::bigint[])`;
      return { updated_count: rows.length };
    });
  }

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
        const rows = await sql.returning<{ id: number }>`
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

  /** The visible rows among `ids`, read on the transaction's connection and locked for update. */
  protected async lockVisible(
    manager: EntityManager,
    ids: readonly number[],
    options: ScopeOptions = {},
  ): Promise<T[]> {
    if (ids.length === 0) return [];
    const alias = this.definition.alias;
    return this.repo
      .query(options, manager)
      .andWhere(`${alias}.id IN (:...locked_ids)`, { locked_ids: [...new Set(ids)] })
      .orderBy(`${alias}.id`, 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }
}
