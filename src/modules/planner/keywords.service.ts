import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type EntityManager, In, type SelectQueryBuilder } from 'typeorm';
import { writeCsv } from '../../common/csv/csv.js';
import { ApiError } from '../../common/http/error-codes.js';
import {
  applyFilters,
  applyOrdering,
  defineList,
  filter,
  parseListQuery,
  rangeFilters,
  type RawQuery,
} from '../../common/list/index.js';
import { ResourceDeps } from '../../common/tenancy/scoped-resource.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import type { ScopeOptions } from '../../common/tenancy/tenant-scope.js';
import { Sector } from '../identity/entities/sector.entity.js';
import { KEYWORD_INTENTS, SeedKeyword } from '../catalogue/entities/seed-keyword.entity.js';
import type { Site } from '../identity/entities/site.entity.js';
import {
  lockClusters,
  lockClustersOfKeywords,
  refreshClusters,
  refreshClustersOfKeywords,
} from './cluster-aggregates.js';
import type {
  AddToWorkflowDto,
  BulkAddFromSeedDto,
  CreateKeywordDto,
  KeywordBulkUpdateDto,
  UpdateKeywordDto,
} from './dto/keywords.dto.js';
import { Cluster } from './entities/cluster.entity.js';
import { KEYWORD_STATUSES, Keyword, type KeywordStatus } from './entities/keyword.entity.js';
import { type ImportRow, type ImportRowError, parseImportFile, readImportForm } from './keyword-import.js';
import { assertKeywordCapacity, clusterFilter, PlannerRefs, sectorFilter } from './planner-resource.js';
import {
  DIFFICULTY,
  KEYWORD_COMPUTED,
  KEYWORD_FIELDS,
  type KeywordView,
  presentKeywords,
  VOLUME,
} from './presenters.js';
import { KEYWORD_STATUS } from './state-machines.js';
import { SiteSectorResource } from '../sites/site-sector-resource.js';

export const KEYWORDS_LIST = defineList({
  filters: {
    site_id: filter.relation('k.site_id'),
    sector_id: sectorFilter('k'),
    status: filter.enum('k.status', KEYWORD_STATUSES, 'All Statuses'),
    cluster_id: clusterFilter('k.cluster_id'),
    intent: filter.enum('sk.intent', KEYWORD_INTENTS, 'All Intents'),
    seed_keyword_id: filter.relation('k.seed_keyword_id'),
    country: filter.string('sk.country', 'All Countries'),
    disabled: filter.boolean('k.disabled'),
    ...rangeFilters('volume', VOLUME),
    ...rangeFilters('difficulty', DIFFICULTY),
    ids: filter.ids('k.id'),
  },
  search: ['sk.keyword'],
  ordering: {
    fields: {
      keyword: 'sk.keyword',
      volume: VOLUME,
      difficulty: DIFFICULTY,
      status: 'k.status',
      created_at: 'k.created_at',
      updated_at: 'k.updated_at',
    },
    default: '-created_at',
  },
  // The seed join follows the keyword's NOT NULL foreign key.
  exactJoins: true,
});

export const DUPLICATE_KEYWORD = 'This keyword already exists in this sector.';
const SEED_MISMATCH = "Seed keyword does not belong to this site's industry/sector.";
const EXPORT_LIMIT = 10_000;
const EXPORT_COLUMNS = [
  'id',
  'keyword',
  'volume',
  'difficulty',
  'intent',
  'country',
  'status',
  'cluster',
  'sector',
  'disabled',
  'created_at',
] as const;

type SkipReason = 'already_exists' | 'seed_mismatch' | 'inactive' | 'not_found' | 'no_matching_sector';

export interface SeedAddResult {
  created_count: number;
  skipped_count: number;
  keyword_ids: number[];
  skipped: { seed_keyword_id: number; reason: SkipReason }[];
}

export interface ImportResult {
  created_count: number;
  skipped_count: number;
  errors: ImportRowError[];
}

/** A keyword to insert: `(sector, seed)` plus optional overrides. */
interface NewKeyword {
  sector_id: number;
  seed_keyword_id: number;
  volume_override?: number | null;
  difficulty_override?: number | null;
}

const pairKey = (sectorId: number, seedId: number) => `${Number(sectorId)}:${Number(seedId)}`;

/**
 * `planner/keywords/` (docs/domain-model.md#planner): a site's use of a seed keyword. Every write that
 * moves keywords in or out of a cluster, or changes their volume, recomputes the clusters in the same
 * transaction (cluster-aggregates.ts); creates count against `max_keywords`.
 */
@Injectable()
export class KeywordsService extends SiteSectorResource<Keyword, KeywordView> {
  constructor(
    deps: ResourceDeps,
    private readonly refs: PlannerRefs,
  ) {
    super(deps, {
      entity: Keyword,
      table: 'igny8_keywords',
      alias: 'k',
      list: KEYWORDS_LIST,
      present: (rows) => presentKeywords(deps.dataSource.manager, rows),
      listColumns: KEYWORD_FIELDS,
      listComputed: KEYWORD_COMPUTED,
      uniques: {
        igny8_keywords_seed_site_sector_uniq: { field: 'seed_keyword_id', message: DUPLICATE_KEYWORD },
      },
    });
  }

  /** Lists join the seed: the effective values, the text and its intent/country filter and order. */
  protected override query(options: ScopeOptions = {}): SelectQueryBuilder<Keyword> {
    return super.query(options).innerJoin(SeedKeyword, 'sk', 'sk.id = k.seed_keyword_id');
  }

  async create(body: CreateKeywordDto): Promise<KeywordView> {
    const site = await this.refs.siteWithIndustry(body.site_id);
    const place = await this.refs.placement(body.site_id, body.sector_id, site);
    await this.checkSeed(place, body.seed_keyword_id);
    const cluster =
      body.cluster_id == null
        ? null
        : await this.refs.cluster('cluster_id', body.cluster_id, {
            site_id: site.id,
            sector_id: place.sector.id,
          });
    const id = await this.transaction(async (tx) => {
      const sql = tenantSql(tx);
      const k = sql.table(Keyword, 'k');
      const [existing] = await sql.query<unknown[]>`
        SELECT 1 FROM ${k}
         WHERE ${k.scope} AND k.seed_keyword_id = ${body.seed_keyword_id} AND k.site_id = ${site.id}
           AND k.sector_id = ${place.sector.id} AND k.deleted_at IS NULL`;
      if (existing) throw ApiError.field('seed_keyword_id', DUPLICATE_KEYWORD);
      await assertKeywordCapacity(tx, site.account_id, 1);
      await lockClusters(tx, [cluster?.id ?? null]);
      const keyword = tx.create(Keyword, {
        site_id: site.id,
        sector_id: place.sector.id,
        seed_keyword_id: body.seed_keyword_id,
        volume_override: body.volume_override ?? null,
        difficulty_override: body.difficulty_override ?? null,
        attribute_values: body.attribute_values ?? [],
        cluster_id: cluster?.id ?? null,
        status: cluster ? 'mapped' : 'new',
        disabled: body.disabled ?? false,
      });
      const saved = await this.save(tx, keyword);
      await refreshClusters(tx, [cluster?.id ?? null]);
      return saved.id;
    });
    return this.get(id);
  }

  /**
   * Assigning a cluster maps the keyword, clearing it makes it `new` (docs/domain-model.md#state-machines); a
   * `status` in the body that differs from the current one is an editor's override and wins.
   */
  async update(id: number, body: UpdateKeywordDto): Promise<KeywordView> {
    const row = await this.find(id);
    const cluster =
      body.cluster_id == null ? null : await this.refs.cluster('cluster_id', body.cluster_id, row);
    const before = row.cluster_id === null ? null : Number(row.cluster_id);
    let status: KeywordStatus = row.status;
    if (body.cluster_id !== undefined && (cluster?.id ?? null) !== before)
      status = cluster ? 'mapped' : 'new';
    if (body.status !== undefined && body.status !== row.status) {
      KEYWORD_STATUS.assertTransition(row.status, body.status);
      status = body.status;
    }
    await this.transaction(async (tx) => {
      await lockClusters(tx, [before, cluster?.id ?? null]);
      if (body.cluster_id !== undefined) row.cluster_id = cluster?.id ?? null;
      if (body.volume_override !== undefined) row.volume_override = body.volume_override;
      if (body.difficulty_override !== undefined) row.difficulty_override = body.difficulty_override;
      if (body.attribute_values !== undefined) row.attribute_values = body.attribute_values;
      if (body.disabled !== undefined) row.disabled = body.disabled;
      row.status = status;
      await this.save(tx, row);
      await refreshClusters(tx, [before, row.cluster_id]);
    });
    return this.get(id);
  }

  /** `{ids, status?, disabled?}`: one UPDATE; clusters are unaffected (they count every live keyword). */
  bulkUpdate(body: KeywordBulkUpdateDto): Promise<{ updated_count: number }> {
    return this.bulkUpdateRows(body.ids, { status: body.status, disabled: body.disabled }, KEYWORD_STATUS);
  }

  /** `bulk_add_from_seed`: seeds of the site's industry into one sector. */
  async bulkAddFromSeed(body: BulkAddFromSeedDto): Promise<SeedAddResult> {
    const site = await this.refs.siteWithIndustry(body.site_id);
    const { sector } = await this.refs.placement(body.site_id, body.sector_id, site);
    return this.addSeeds(site, body.seed_keyword_ids, (seed) =>
      Number(seed.sector_id) === Number(sector.industry_sector_id) ? Number(sector.id) : 'seed_mismatch',
    );
  }

  /** Seeds of the site's industry, each into the site's sector built from its IndustrySector. */
  async addToWorkflow(body: AddToWorkflowDto): Promise<SeedAddResult> {
    const site = await this.refs.siteWithIndustry(body.site_id);
    const sectorByTemplate = new Map(
      (await this.siteSectors(site.id)).map((sector) => [
        Number(sector.industry_sector_id),
        Number(sector.id),
      ]),
    );
    return this.addSeeds(
      site,
      body.seed_keyword_ids,
      (seed) => sectorByTemplate.get(Number(seed.sector_id)) ?? 'no_matching_sector',
    );
  }

  /** `import_keywords`: the CSV rows matched to seeds, duplicates reported, the rest inserted at once. */
  async importKeywords(request: FastifyRequest): Promise<ImportResult> {
    const form = await readImportForm(request);
    const site = await this.refs.siteWithIndustry(form.siteId);
    const chosen =
      form.sectorId === null ? null : (await this.refs.placement(site.id, form.sectorId, site)).sector;
    const { rows, errors } = parseImportFile(form.file);
    const planned = await this.matchImportRows(site, chosen, rows, errors);
    const created = await this.transaction(async (tx) => {
      const existing = await this.existingPairs(
        tx,
        site.id,
        planned.map((p) => p.seed_keyword_id),
      );
      const fresh = planned.filter((p) => {
        const key = pairKey(p.sector_id, p.seed_keyword_id);
        if (existing.has(key)) {
          errors.push({ row: p.row, error: DUPLICATE_KEYWORD });
          return false;
        }
        existing.add(key);
        return true;
      });
      await assertKeywordCapacity(tx, site.account_id, fresh.length);
      const ids = await this.insertKeywords(tx, site, fresh);
      for (const p of fresh) {
        if (!ids.has(pairKey(p.sector_id, p.seed_keyword_id)))
          errors.push({ row: p.row, error: DUPLICATE_KEYWORD });
      }
      return ids.size;
    });
    errors.sort((a, b) => a.row - b.row);
    return { created_count: created, skipped_count: errors.length, errors };
  }

  /**
   * Matches import rows to active seeds of the site's industry (text compared case-insensitively):
   * in `chosen` when the request names a sector, else in the row's `sector` (name or slug), else in
   * the only sector of the site that has such a seed. Rows that match nothing go to `errors`.
   */
  private async matchImportRows(
    site: Site & { industry_id: number },
    chosen: Sector | null,
    rows: ImportRow[],
    errors: ImportRowError[],
  ): Promise<(NewKeyword & { row: number })[]> {
    const sectors = await this.siteSectors(site.id);
    const byLabel = new Map<string, Sector>();
    for (const sector of sectors) {
      byLabel.set(sector.name.toLowerCase(), sector);
      byLabel.set(sector.slug.toLowerCase(), sector);
    }
    const seeds = await this.seedsByText(site.industry_id, [...new Set(rows.map((row) => row.key))]);
    const planned: (NewKeyword & { row: number })[] = [];
    for (const row of rows) {
      const matches = seeds.get(row.key) ?? new Map<number, number>();
      let sector: Sector | undefined = chosen ?? undefined;
      if (!sector && row.sector !== '') {
        sector = byLabel.get(row.sector.toLowerCase());
        if (!sector) {
          errors.push({ row: row.row, error: `sector: "${row.sector}" is not a sector of this site.` });
          continue;
        }
      }
      if (!sector) {
        const candidates = sectors.filter((s) => matches.has(Number(s.industry_sector_id)));
        if (candidates.length > 1) {
          errors.push({
            row: row.row,
            error: `"${row.keyword}" matches seed keywords in several sectors (${candidates.map((s) => s.name).join(', ')}): name the sector.`,
          });
          continue;
        }
        sector = candidates[0];
      }
      const seedId = sector ? matches.get(Number(sector.industry_sector_id)) : undefined;
      if (!sector || seedId === undefined) {
        const where = sector ? `sector "${sector.name}"` : "this site's sectors";
        errors.push({ row: row.row, error: `No active seed keyword "${row.keyword}" in ${where}.` });
        continue;
      }
      planned.push({
        row: row.row,
        sector_id: Number(sector.id),
        seed_keyword_id: seedId,
        volume_override: row.volume_override,
        difficulty_override: row.difficulty_override,
      });
    }
    return planned;
  }

  /** `export`: the filtered, ordered keywords (at most 10,000) as CSV text. */
  async export(raw: RawQuery): Promise<string> {
    const query = parseListQuery(KEYWORDS_LIST, raw, { pagination: false });
    const qb = applyOrdering(applyFilters(this.query(), KEYWORDS_LIST, query), KEYWORDS_LIST, query)
      .leftJoin(Cluster, 'ec', 'ec.id = k.cluster_id AND ec.deleted_at IS NULL')
      .leftJoin(Sector, 'ex', 'ex.id = k.sector_id')
      .select('k.id', 'id')
      .addSelect('sk.keyword', 'keyword')
      .addSelect(VOLUME, 'volume')
      .addSelect(DIFFICULTY, 'difficulty')
      .addSelect('sk.intent', 'intent')
      .addSelect('sk.country', 'country')
      .addSelect('k.status', 'status')
      .addSelect('ec.name', 'cluster')
      .addSelect('ex.name', 'sector')
      .addSelect('k.disabled', 'disabled')
      .addSelect('k.created_at', 'created_at')
      .limit(EXPORT_LIMIT);
    const rows =
      await qb.getRawMany<Record<(typeof EXPORT_COLUMNS)[number], string | number | boolean | Date | null>>();
    return writeCsv(
      EXPORT_COLUMNS,
      rows.map((row) => EXPORT_COLUMNS.map((column) => row[column])),
    );
  }

  /** Deleting keywords takes them out of their clusters' counts (also when a site or sector cascades). */
  /** A restored keyword counts against `max_keywords` again and back in its cluster. */
  protected override async beforeRestore(manager: EntityManager, row: Keyword): Promise<void> {
    await assertKeywordCapacity(manager, row.account_id, 1);
    await lockClustersOfKeywords(manager, [row.id]);
  }

  protected override afterRestore(manager: EntityManager, row: Keyword): Promise<void> {
    return refreshClustersOfKeywords(manager, [row.id]);
  }

  /** The seed must exist, be active, and belong to the site's industry and the sector's template. */
  private async checkSeed({ site, sector }: { site: Site; sector: Sector }, seedId: number): Promise<void> {
    const seed = await this.deps.dataSource.manager.findOneBy(SeedKeyword, { id: seedId });
    if (!seed) throw ApiError.field('seed_keyword_id', `Invalid pk "${seedId}" - object does not exist.`);
    if (
      Number(seed.industry_id) !== Number(site.industry_id) ||
      Number(seed.sector_id) !== Number(sector.industry_sector_id)
    ) {
      throw ApiError.field('seed_keyword_id', SEED_MISMATCH);
    }
    if (!seed.is_active) throw ApiError.field('seed_keyword_id', 'This seed keyword is not active.');
  }

  /**
   * Creates keywords for seeds (in request order; repeated ids count once). `sectorFor` gives the
   * sector of a seed of the site's industry, or why it is skipped. All or nothing for `max_keywords`.
   */
  private async addSeeds(
    site: Site & { industry_id: number },
    seedIds: readonly number[],
    sectorFor: (seed: SeedKeyword) => number | SkipReason,
  ): Promise<SeedAddResult> {
    const seeds = new Map(
      (await this.deps.dataSource.manager.findBy(SeedKeyword, { id: In([...new Set(seedIds)]) })).map(
        (seed) => [Number(seed.id), seed],
      ),
    );
    return this.transaction(async (tx) => {
      const existing = await this.existingPairs(tx, site.id, [...seeds.keys()]);
      const skipped: SeedAddResult['skipped'] = [];
      const planned: NewKeyword[] = [];
      for (const seedId of seedIds) {
        const seed = seeds.get(seedId);
        let outcome: number | SkipReason;
        if (!seed) outcome = 'not_found';
        else if (Number(seed.industry_id) !== Number(site.industry_id)) outcome = 'seed_mismatch';
        else if (!seed.is_active) outcome = 'inactive';
        else outcome = sectorFor(seed);
        if (typeof outcome === 'number' && existing.has(pairKey(outcome, seedId))) outcome = 'already_exists';
        if (typeof outcome === 'number') {
          existing.add(pairKey(outcome, seedId));
          planned.push({ sector_id: outcome, seed_keyword_id: seedId });
        } else {
          skipped.push({ seed_keyword_id: seedId, reason: outcome });
        }
      }
      await assertKeywordCapacity(tx, site.account_id, planned.length);
      const ids = await this.insertKeywords(tx, site, planned);
      const keywordIds: number[] = [];
      for (const p of planned) {
        const id = ids.get(pairKey(p.sector_id, p.seed_keyword_id));
        if (id === undefined) skipped.push({ seed_keyword_id: p.seed_keyword_id, reason: 'already_exists' });
        else keywordIds.push(id);
      }
      return {
        created_count: keywordIds.length,
        skipped_count: skipped.length,
        keyword_ids: keywordIds,
        skipped,
      };
    });
  }

  /** One INSERT for all rows; a concurrent duplicate is left out (ON CONFLICT) and reported by the caller. */
  private async insertKeywords(
    manager: EntityManager,
    site: Site,
    rows: readonly NewKeyword[],
  ): Promise<Map<string, number>> {
    if (rows.length === 0) return new Map();
    const sql = tenantSql(manager);
    const inserted = await sql.query<{ id: number; sector_id: number; seed_keyword_id: number }[]>`
      INSERT INTO ${sql.insertInto(Keyword)}
        (account_id, created_by, site_id, sector_id, seed_keyword_id, volume_override, difficulty_override)
      SELECT ${site.account_id}::bigint, ${this.deps.context.principal?.userId ?? null}::bigint, ${site.id}::bigint,
             v.sector_id, v.seed_keyword_id, v.volume_override, v.difficulty_override
        FROM unnest(${rows.map((row) => row.sector_id)}::bigint[], ${rows.map((row) => row.seed_keyword_id)}::bigint[],
                    ${rows.map((row) => row.volume_override ?? null)}::integer[],
                    ${rows.map((row) => row.difficulty_override ?? null)}::smallint[])
             WITH ORDINALITY AS v(sector_id, seed_keyword_id, volume_override, difficulty_override, n)
       ORDER BY v.n
      ON CONFLICT (seed_keyword_id, site_id, sector_id) WHERE deleted_at IS NULL DO NOTHING
      RETURNING id, sector_id, seed_keyword_id`;
    return new Map(inserted.map((row) => [pairKey(row.sector_id, row.seed_keyword_id), Number(row.id)]));
  }

  /** `sector:seed` of the site's live keywords using these seeds. */
  private async existingPairs(
    manager: EntityManager,
    siteId: number,
    seedIds: readonly number[],
  ): Promise<Set<string>> {
    if (seedIds.length === 0) return new Set();
    const sql = tenantSql(manager);
    const k = sql.table(Keyword, 'k');
    const rows = await sql.query<{ sector_id: number; seed_keyword_id: number }[]>`
      SELECT k.sector_id, k.seed_keyword_id FROM ${k}
       WHERE ${k.scope} AND k.site_id = ${siteId} AND k.deleted_at IS NULL
         AND k.seed_keyword_id = ANY(${seedIds}::bigint[])`;
    return new Set(rows.map((row) => pairKey(row.sector_id, row.seed_keyword_id)));
  }

  /** The site's live sectors (the site is visible, so are they). */
  private siteSectors(siteId: number): Promise<Sector[]> {
    return this.refs.sectors
      .query()
      .andWhere('x.site_id = :planner_site_id', { planner_site_id: siteId })
      .orderBy('x.id', 'ASC')
      .getMany();
  }

  /**
   * Active seeds of the industry whose text (case-insensitive, whitespace collapsed) is one of `keys`:
   * text → IndustrySector id → seed id (the lowest id when several countries share the text).
   */
  private async seedsByText(industryId: number, keys: string[]): Promise<Map<string, Map<number, number>>> {
    const result = new Map<string, Map<number, number>>();
    if (keys.length === 0) return result;
    const sql = tenantSql(this.deps.dataSource.manager);
    const s = sql.global(SeedKeyword, 's');
    const rows = await sql.query<{ id: number; key: string; sector_id: number }[]>`
      SELECT s.id, lower(s.keyword) AS key, s.sector_id FROM ${s}
       WHERE s.industry_id = ${industryId} AND s.is_active AND lower(s.keyword) = ANY(${keys}::text[])
       ORDER BY s.id`;
    for (const row of rows) {
      const bySector = result.get(row.key) ?? new Map<number, number>();
      if (!bySector.has(Number(row.sector_id))) bySector.set(Number(row.sector_id), Number(row.id));
      result.set(row.key, bySector);
    }
    return result;
  }
}
