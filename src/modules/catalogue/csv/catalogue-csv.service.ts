import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { writeCsv } from '../../../common/csv/csv.js';
import {
  applyFilters,
  applyOrdering,
  defineList,
  filter,
  parseListQuery,
  type RawQuery,
} from '../../../common/list/index.js';
import { KEYWORD_LIBRARY_LIST } from '../keyword-library.service.js';
import { type ImportCounts, runCsvImport } from './csv-import.engine.js';
import { INDUSTRIES_IMPORTER, INDUSTRY_COLUMNS } from './importers/industries.importer.js';
import { INDUSTRY_SECTORS_IMPORTER, INDUSTRY_SECTOR_COLUMNS } from './importers/industry-sectors.importer.js';
import { SEED_KEYWORD_EXPORT_COLUMNS, SEED_KEYWORDS_IMPORTER } from './importers/seed-keywords.importer.js';

// `site_id` only marks library rows as `added`; it means nothing for an export.
const { site_id: _siteId, ...libraryFilters } = KEYWORD_LIBRARY_LIST.filters;

/** The filters of `auth/keywords-library/`, plus `is_active`, for `admin/seed-keywords/export_csv/`. */
export const SEED_KEYWORD_EXPORT_LIST = defineList({
  ...KEYWORD_LIBRARY_LIST,
  filters: { ...libraryFilters, is_active: filter.boolean('k.is_active') },
});

export type Catalogue = 'industries' | 'industry-sectors' | 'seed-keywords';

/**
 * Developer-only import and export of the global catalogue as CSV
 * (docs/api-conventions.md#csv-import-and-export).
 */
@Injectable()
export class CatalogueCsvService {
  constructor(private readonly dataSource: DataSource) {}

  async exportIndustries(): Promise<string> {
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT name, slug, description, is_active, sort_order FROM igny8_industries ORDER BY sort_order, name, id`,
    );
    return toCsv(INDUSTRY_COLUMNS, rows);
  }

  async exportIndustrySectors(): Promise<string> {
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT i.slug AS industry_slug, s.name, s.slug, s.description, s.is_active
         FROM igny8_industry_sectors s JOIN igny8_industries i ON i.id = s.industry_id
        ORDER BY i.sort_order, i.name, s.sort_order, s.name, s.id`,
    );
    return toCsv(INDUSTRY_SECTOR_COLUMNS, rows);
  }

  /** Every seed keyword (active or not) matching the library's filters; industry and sector by slug. */
  async exportSeedKeywords(raw: RawQuery): Promise<string> {
    const query = parseListQuery(SEED_KEYWORD_EXPORT_LIST, raw, { pagination: false });
    const qb = this.dataSource
      .createQueryBuilder()
      .from('igny8_seed_keywords', 'k')
      .innerJoin('igny8_industries', 'i', 'i.id = k.industry_id')
      .innerJoin('igny8_industry_sectors', 's', 's.id = k.sector_id')
      .select([
        'k.keyword AS keyword',
        'i.slug AS industry',
        's.slug AS sector',
        'k.volume AS volume',
        'k.difficulty AS difficulty',
        'k.country AS country',
        'k.is_active AS is_active',
        'k.intent AS intent',
      ]);
    applyFilters(qb, SEED_KEYWORD_EXPORT_LIST, query);
    applyOrdering(qb, { ...SEED_KEYWORD_EXPORT_LIST, id: 'k.id' }, query);
    return toCsv(SEED_KEYWORD_EXPORT_COLUMNS, await qb.getRawMany<Record<string, unknown>>());
  }

  import(catalogue: Catalogue, bytes: Uint8Array, dryRun: boolean): Promise<ImportCounts> {
    switch (catalogue) {
      case 'industries':
        return runCsvImport(this.dataSource, INDUSTRIES_IMPORTER, bytes, dryRun);
      case 'industry-sectors':
        return runCsvImport(this.dataSource, INDUSTRY_SECTORS_IMPORTER, bytes, dryRun);
      case 'seed-keywords':
        return runCsvImport(this.dataSource, SEED_KEYWORDS_IMPORTER, bytes, dryRun);
    }
  }
}

function toCsv(columns: readonly string[], rows: Record<string, unknown>[]): string {
  return writeCsv(
    columns,
    rows.map((row) => columns.map((column) => row[column] as string | number | boolean | null)),
  );
}
