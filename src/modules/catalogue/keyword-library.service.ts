import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource, In, type SelectQueryBuilder } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import type { Paginated } from '../../common/http/responses.js';
import {
  defineList,
  filter,
  InvalidFilterValue,
  ListService,
  rangeFilters,
  type RawQuery,
} from '../../common/list/index.js';
import { queryValue } from '../../common/list/list-query.js';
import { invalidReference } from '../../common/tenancy/scoped-repository.js';
import { IndustrySector } from './entities/industry-sector.entity.js';
import { Industry } from './entities/industry.entity.js';
import { KEYWORD_INTENTS, SeedKeyword } from './entities/seed-keyword.entity.js';
import { REQUIRED } from '../../common/http/field-rule.js';
import { globalQuery } from '../../common/tenancy/tenant-sql.js';
import type { CreateSeedKeywordDto, UpdateSeedKeywordDto } from './dto/catalogue.dto.js';
import { SiteSeedUsage } from './site-seed-usage.js';

function positiveId(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidFilterValue('Enter a positive whole number.');
  }
  return value;
}

export const KEYWORD_LIBRARY_LIST = defineList({
  filters: {
    industry_id: filter.relation('k.industry_id'),
    sector_id: filter.relation('k.sector_id'),
    sector_ids: filter.ids('k.sector_id'),
    intent: filter.enum('k.intent', KEYWORD_INTENTS),
    country: filter.custom(
      (raw) => raw.trim().toUpperCase(),
      (country, bind) => `k.country = ${bind(country)}`,
    ),
    ...rangeFilters('volume', 'k.volume'),
    ...rangeFilters('difficulty', 'k.difficulty'),
    /** Validated here; the service turns an invisible site into an empty list. */
    site_id: filter.custom(positiveId, () => 'TRUE'),
  },
  search: ['k.keyword'],
  ordering: {
    fields: { keyword: 'k.keyword', volume: 'k.volume', difficulty: 'k.difficulty' },
    default: '-volume',
  },
});

const SEED_UNIQUE = 'igny8_seed_keywords_keyword_uniq';

export type SeedKeywordView = SeedKeyword & {
  industry_name: string | null;
  sector_name: string | null;
  /** Only when the list request names a `site_id`. */
  added?: boolean;
};

export interface SectorStat {
  sector_id: number;
  sector_name: string;
  sector_slug: string;
  keywords_count: number;
  total_volume: number;
}

/** "  Best   shoes " → "Best shoes" (docs/domain-model.md#catalogue). */
export function normalizeKeyword(keyword: string): string {
  return keyword.trim().replace(/\s+/g, ' ');
}

/**
 * The global keyword library (docs/domain-model.md#catalogue): reads for every authenticated caller and
 * API keys, writes for developers. With `site_id`, list rows carry `added` (a keyword of that site
 * uses the seed); DELETE answers 409 `in_use` while keywords use the seed.
 */
@Injectable()
export class KeywordLibraryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lists: ListService,
    private readonly context: TenantContext,
    private readonly seedUsage: SiteSeedUsage,
  ) {}

  private seeds(): SelectQueryBuilder<SeedKeyword> {
    return globalQuery(this.dataSource.manager, SeedKeyword, 'k');
  }

  /**
   * Active seeds; with `site_id`, only when that site is visible (else an empty list,
   * docs/api-conventions.md#roles-and-visibility).
   */
  async list(raw: RawQuery, request: FastifyRequest): Promise<Paginated<SeedKeywordView>> {
    const qb = this.seeds().where('k.is_active = true');
    const siteParam = queryValue(raw, 'site_id');
    const siteId = siteParam && /^\d{1,15}$/.test(siteParam) ? Number(siteParam) : undefined;
    if (siteId !== undefined && !(await this.seedUsage.siteVisible(siteId))) qb.andWhere('FALSE');
    return this.lists.list(qb, KEYWORD_LIBRARY_LIST, raw, request, async (page) =>
      this.present(await page.getMany(), siteId),
    );
  }

  /** Active seeds for everyone; developers also see inactive ones. */
  async get(id: number): Promise<SeedKeywordView> {
    const qb = this.seeds().where('k.id = :seed_id', { seed_id: id });
    if (this.context.principal?.role !== 'developer') qb.andWhere('k.is_active = true');
    const seed = await qb.getOne();
    if (!seed) throw ApiError.notFound();
    const [view] = await this.present([seed]);
    return view;
  }

  /** Per active sector of the industry: active seeds and their total volume (array). */
  async sectorStats(raw: RawQuery): Promise<SectorStat[]> {
    const value = queryValue(raw, 'industry_id');
    if (value === undefined || value === '') throw ApiError.field('industry_id', REQUIRED);
    if (!/^\d{1,15}$/.test(value) || Number(value) < 1) {
      throw ApiError.field('industry_id', 'Enter a positive whole number.');
    }
    const rows = await globalQuery(this.dataSource.manager, IndustrySector, 's')
      .select('s.id', 'sector_id')
      .addSelect('s.name', 'sector_name')
      .addSelect('s.slug', 'sector_slug')
      .addSelect('COUNT(k.id)', 'keywords_count')
      .addSelect('COALESCE(SUM(k.volume), 0)', 'total_volume')
      .leftJoin(SeedKeyword, 'k', 'k.sector_id = s.id AND k.is_active = true')
      .where('s.industry_id = :industry_id AND s.is_active = true', { industry_id: Number(value) })
      .groupBy('s.id')
      .orderBy('s.sort_order', 'ASC')
      .addOrderBy('s.name', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .getRawMany<Record<keyof SectorStat, string | number>>();
    return rows.map((row) => ({
      sector_id: Number(row.sector_id),
      sector_name: String(row.sector_name),
      sector_slug: String(row.sector_slug),
      keywords_count: Number(row.keywords_count),
      total_volume: Number(row.total_volume),
    }));
  }

  async create(body: CreateSeedKeywordDto): Promise<SeedKeywordView> {
    await this.checkPair(body.industry_id, body.sector_id);
    const seed = this.dataSource.manager.create(SeedKeyword, {
      keyword: normalizeKeyword(body.keyword),
      industry_id: body.industry_id,
      sector_id: body.sector_id,
      volume: body.volume ?? 0,
      difficulty: body.difficulty ?? 0,
      intent: body.intent ?? 'informational',
      country: (body.country ?? 'US').toUpperCase(),
      is_active: body.is_active ?? true,
    });
    return this.get(await this.save(seed));
  }

  async update(id: number, body: UpdateSeedKeywordDto): Promise<SeedKeywordView> {
    const seed = await this.dataSource.manager.findOneBy(SeedKeyword, { id });
    if (!seed) throw ApiError.notFound();
    if (body.industry_id !== undefined || body.sector_id !== undefined) {
      await this.checkPair(body.industry_id ?? seed.industry_id, body.sector_id ?? seed.sector_id);
    }
    if (body.keyword !== undefined) seed.keyword = normalizeKeyword(body.keyword);
    if (body.industry_id !== undefined) seed.industry_id = body.industry_id;
    if (body.sector_id !== undefined) seed.sector_id = body.sector_id;
    if (body.volume !== undefined) seed.volume = body.volume;
    if (body.difficulty !== undefined) seed.difficulty = body.difficulty;
    if (body.intent !== undefined) seed.intent = body.intent;
    if (body.country !== undefined) seed.country = body.country.toUpperCase();
    if (body.is_active !== undefined) seed.is_active = body.is_active;
    return this.get(await this.save(seed));
  }

  /** Hard delete; a planner keyword still using the seed (FK RESTRICT) → 409 `in_use`. */
  async remove(id: number): Promise<void> {
    try {
      const result = await this.dataSource.manager.delete(SeedKeyword, { id });
      if (!result.affected) throw ApiError.notFound();
    } catch (error) {
      // 23503 foreign_key_violation; PostgreSQL 18 (PGlite) reports a blocked ON DELETE RESTRICT as 23001.
      if (['23503', '23001'].includes((error as { code?: string }).code ?? '')) {
        throw new ApiError('in_use', 'This seed keyword is used by keywords and cannot be deleted.');
      }
      throw error;
    }
  }

  private async save(seed: SeedKeyword): Promise<number> {
    try {
      return (await this.dataSource.manager.save(SeedKeyword, seed)).id;
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === '23505' && constraint === SEED_UNIQUE) {
        throw ApiError.field(
          'keyword',
          'A seed keyword with this keyword, sector and country already exists.',
        );
      }
      throw error;
    }
  }

  /** The industry must exist and the sector must be one of its sectors (docs/domain-model.md#catalogue). */
  private async checkPair(industryId: number, sectorId: number): Promise<void> {
    const industry = await this.dataSource.manager.findOneBy(Industry, { id: industryId });
    if (!industry) throw ApiError.field('industry_id', invalidReference(industryId));
    const sector = await this.dataSource.manager.findOneBy(IndustrySector, { id: sectorId });
    if (!sector) throw ApiError.field('sector_id', invalidReference(sectorId));
    if (Number(sector.industry_id) !== Number(industryId)) {
      throw ApiError.field('sector_id', 'The sector does not belong to the industry.');
    }
  }

  /**
   * `industry_name` and `sector_name` for a page, in two lookups; with a (visible) `siteId`, `added`
   * (a live keyword of that site uses the seed) in a third.
   */
  private async present(seeds: SeedKeyword[], siteId?: number): Promise<SeedKeywordView[]> {
    if (seeds.length === 0) return [];
    const manager = this.dataSource.manager;
    const [industries, sectors] = await Promise.all([
      manager.find(Industry, { where: { id: In([...new Set(seeds.map((s) => s.industry_id))]) } }),
      manager.find(IndustrySector, { where: { id: In([...new Set(seeds.map((s) => s.sector_id))]) } }),
    ]);
    const industryName = new Map(industries.map((row) => [Number(row.id), row.name]));
    const sectorName = new Map(sectors.map((row) => [Number(row.id), row.name]));
    const added =
      siteId === undefined
        ? null
        : await this.seedUsage.usedSeeds(
            siteId,
            seeds.map((seed) => seed.id),
          );
    return seeds.map((seed) => ({
      ...seed,
      industry_name: industryName.get(Number(seed.industry_id)) ?? null,
      sector_name: sectorName.get(Number(seed.sector_id)) ?? null,
      ...(added ? { added: added.has(Number(seed.id)) } : {}),
    }));
  }
}
