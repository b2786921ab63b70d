import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../../../common/http/error-codes.js';
import { REQUIRED } from '../../../common/http/field-rule.js';
import { defineList, filter } from '../../../common/list/index.js';
import { invalidReference } from '../../../common/tenancy/scoped-repository.js';
import { ResourceDeps, ScopedResource } from '../../../common/tenancy/scoped-resource.js';
import { tenantSql } from '../../../common/tenancy/tenant-sql.js';
import { sectorsIn, sitesIn } from '../../sites/site-scope.js';
import { Strategy } from '../entities/strategy.entity.js';
import { assignDefined } from './author-profiles.service.js';
import { pick } from './presenters.js';
import type { CreateStrategyDto, UpdateStrategyDto } from './dto/strategy.dto.js';

export const STRATEGIES_LIST = defineList({
  filters: {
    site_id: filter.int('st.site_id'),
    sector_id: filter.int('st.sector_id'),
    is_active: filter.boolean('st.is_active'),
  },
  search: ['st.name', 'st.description'],
  ordering: {
    fields: { name: 'st.name', created_at: 'st.created_at', updated_at: 'st.updated_at' },
    default: '-created_at',
  },
});

const STRATEGY_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'account_id',
  'created_by',
  'name',
  'description',
  'site_id',
  'sector_id',
  'prompt_overrides',
  'settings',
  'is_active',
] as const satisfies readonly (keyof Strategy)[];

export type StrategyView = Pick<Strategy, (typeof STRATEGY_FIELDS)[number]>;

function presentStrategy(row: Strategy): StrategyView {
  return pick(row, STRATEGY_FIELDS);
}

const ACTIVE_CLASH = 'An active strategy already exists for this site and sector.';

/**
 * `system/strategies/` (docs/system.md#author-profiles-and-strategies): prompt overrides for the
 * account, one site or one sector. `site_id` and `sector_id` are set on create (a visible site; a
 * sector of that site) and never change. At most one strategy is active per scope; activating a
 * second one is a 400 on `is_active`. Strategies are created in the caller's account.
 */
@Injectable()
export class StrategiesService extends ScopedResource<Strategy, StrategyView> {
  constructor(deps: ResourceDeps) {
    super(deps, {
      entity: Strategy,
      table: 'igny8_strategies',
      alias: 'st',
      // Account-wide strategies have no site: every user of the account sees them.
      shape: { account: 'st.account_id' },
      list: STRATEGIES_LIST,
      present: (rows) => rows.map(presentStrategy),
      uniques: { igny8_strategies_active_scope_uniq: { field: 'is_active', message: ACTIVE_CLASH } },
    });
  }

  create(body: CreateStrategyDto): Promise<StrategyView> {
    const { site_id = null, sector_id = null, ...values } = body;
    return this.transaction(async (manager) => {
      await this.checkPlacement(manager, site_id, sector_id);
      const row = manager.create(Strategy, {
        account_id: this.deps.context.requirePrincipal().accountId,
        site_id,
        sector_id,
        description: '',
        prompt_overrides: {},
        settings: {},
        is_active: true,
      });
      assignDefined(row, values);
      return this.persist(manager, row);
    });
  }

  async update(
    id: number,
    body: UpdateStrategyDto,
    { partial }: { partial: boolean },
  ): Promise<StrategyView> {
    if (!partial && body.name === undefined) throw ApiError.field('name', REQUIRED);
    const row = await this.find(id);
    return this.transaction(async (manager) => {
      assignDefined(row, body);
      return this.persist(manager, row);
    });
  }

  /** Strategies are not soft-deletable: deleting one removes it. */
  override async remove(id: number): Promise<void> {
    const row = await this.find(id);
    await this.deps.dataSource.manager.delete(Strategy, { id: row.id });
  }

  /** A visible site; a sector of that site (a sector needs its site). */
  private async checkPlacement(
    manager: EntityManager,
    siteId: number | null,
    sectorId: number | null,
  ): Promise<void> {
    if (siteId !== null) {
      const site = await sitesIn(manager)
        .andWhere('s.id = :strategy_site', { strategy_site: siteId })
        .getOne();
      if (!site) throw ApiError.field('site_id', invalidReference(siteId));
    }
    if (sectorId === null) return;
    if (siteId === null) throw ApiError.field('sector_id', 'A sector needs its site_id.');
    const sector = await sectorsIn(manager)
      .andWhere('x.id = :strategy_sector', { strategy_sector: sectorId })
      .getOne();
    if (!sector) throw ApiError.field('sector_id', invalidReference(sectorId));
    if (Number(sector.site_id) !== siteId)
      throw ApiError.field('sector_id', 'Sector does not belong to the site.');
  }

  /**
   * Saves after checking that no other active strategy has the same scope (NULLs compare equal
   * here, unlike in the unique index); the account's strategies are locked for the check.
   */
  private async persist(manager: EntityManager, row: Strategy): Promise<StrategyView> {
    if (row.is_active) {
      const sql = tenantSql(manager);
      await sql.query`SELECT pg_advisory_xact_lock(${'igny8_strategies'}::regclass::oid::int, ${row.account_id}::int)`;
      // The whole account: an editor's site scope would hide the account-wide strategies.
      const st = sql.table(Strategy, 'st', { wholeAccount: true });
      const [clash] = await sql.query<unknown[]>`
        SELECT 1 FROM ${st}
         WHERE ${st.scope} AND st.account_id = ${row.account_id} AND st.is_active AND st.id <> ${row.id ?? 0}
           AND st.site_id IS NOT DISTINCT FROM ${row.site_id}::bigint
           AND st.sector_id IS NOT DISTINCT FROM ${row.sector_id}::bigint`;
      if (clash) throw ApiError.field('is_active', ACTIVE_CLASH);
    }
    return presentStrategy(await this.save(manager, row));
  }
}
