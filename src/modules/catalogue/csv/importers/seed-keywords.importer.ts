import { cell, INT32_MAX } from '../../../../common/csv/rows.js';
import { KEYWORD_INTENTS, type KeywordIntent } from '../../entities/seed-keyword.entity.js';
import { normalizeKeyword } from '../../keyword-library.service.js';
import { alignByOrdinal, column, columnArrays, type CsvImporter, upsertRows } from '../csv-import.engine.js';

/** The seed keyword columns; `intent` is optional on import and always exported. */
export const SEED_KEYWORD_COLUMNS = [
  'keyword',
  'industry',
  'sector',
  'volume',
  'difficulty',
  'country',
  'is_active',
] as const;
export const SEED_KEYWORD_EXPORT_COLUMNS = [...SEED_KEYWORD_COLUMNS, 'intent'] as const;

interface SeedRow {
  keyword: string;
  industry_id: number;
  sector_id: number;
  volume: number;
  difficulty: number;
  /** null: not given (new rows get `informational`, existing rows keep theirs). */
  intent: KeywordIntent | null;
  country: string;
  is_active: boolean;
}

interface ExistingSeed {
  id: number;
  volume: number;
  difficulty: number;
  intent: KeywordIntent;
  is_active: boolean;
}

interface Named {
  id: number;
  name: string;
  slug: string;
}

/** The whole (small) industry catalogue, to resolve names and slugs case-insensitively. */
interface Catalogue {
  industries: Map<string, Named>;
  /** `<industry id>:<lowercased name or slug>` → sector. */
  sectors: Map<string, Named>;
  /** Lowercased name or slug → industry ids having such a sector (for "belongs to another industry"). */
  sectorIndustries: Map<string, Set<number>>;
}

function byNameAndSlug<V extends Named>(rows: V[], prefix: (row: V) => string = () => ''): Map<string, V> {
  const map = new Map<string, V>();
  // Slugs win over names when one row's name is another row's slug.
  for (const row of rows) map.set(prefix(row) + row.name.toLowerCase(), row);
  for (const row of rows) map.set(prefix(row) + row.slug.toLowerCase(), row);
  return map;
}

/**
 * `admin/seed-keywords/import_csv/` (and `auth/keywords-library/import_csv/`): industry and sector
 * by name or slug, rows upsert by `(keyword, sector, country)` with the keyword compared
 * case-insensitively; a match updates volume, difficulty, intent and is_active
 * (docs/domain-model.md#catalogue).
 */
export const SEED_KEYWORDS_IMPORTER: CsvImporter<SeedRow, ExistingSeed, Catalogue> = {
  required: SEED_KEYWORD_COLUMNS,
  optional: ['intent'],
  keyColumn: 'keyword',

  async prepare(manager) {
    const industries = await manager.query<Named[]>('SELECT id, name, slug FROM igny8_industries');
    const sectors = await manager.query<(Named & { industry_id: number })[]>(
      'SELECT id, industry_id, name, slug FROM igny8_industry_sectors',
    );
    const sectorIndustries = new Map<string, Set<number>>();
    for (const sector of sectors) {
      for (const label of [sector.name.toLowerCase(), sector.slug.toLowerCase()]) {
        if (!sectorIndustries.has(label)) sectorIndustries.set(label, new Set());
        sectorIndustries.get(label)!.add(sector.industry_id);
      }
    }
    return {
      industries: byNameAndSlug(industries),
      sectors: byNameAndSlug(sectors, (sector) => `${sector.industry_id}:`),
      sectorIndustries,
    };
  },

  parse(values, catalogue, report) {
    const at = (column: string) => (message: string) => report(column, message);
    const keyword = cell.text(normalizeKeyword(values.keyword), at('keyword'), { max: 255 });
    const industryName = cell.text(values.industry, at('industry'));
    const sectorName = cell.text(values.sector, at('sector'));
    const industry =
      industryName === undefined ? undefined : catalogue.industries.get(industryName.toLowerCase());
    if (industryName !== undefined && !industry)
      report('industry', `Industry "${industryName}" does not exist.`);
    let sector: Named | undefined;
    if (industry && sectorName !== undefined) {
      sector = catalogue.sectors.get(`${industry.id}:${sectorName.toLowerCase()}`);
      if (!sector) {
        report(
          'sector',
          catalogue.sectorIndustries.has(sectorName.toLowerCase())
            ? `Sector "${sectorName}" does not belong to industry "${industryName}".`
            : `Sector "${sectorName}" does not exist.`,
        );
      }
    }
    const country = cell.text(values.country, at('country'), { required: false });
    if (country !== undefined && country !== '' && !/^[A-Za-z]{2}$/.test(country)) {
      report('country', 'Enter a two-letter ISO 3166-1 country code.');
    }
    const intent =
      (values.intent ?? '').trim() === ''
        ? null
        : cell.choice(values.intent, at('intent'), KEYWORD_INTENTS, 'informational');
    const row = {
      keyword,
      industry_id: industry?.id,
      sector_id: sector?.id,
      volume: cell.integer(values.volume, at('volume'), { fallback: 0, min: 0, max: INT32_MAX }),
      difficulty: cell.integer(values.difficulty, at('difficulty'), { fallback: 0, min: 0, max: 100 }),
      intent,
      country: (country || 'US').toUpperCase(),
      is_active: cell.boolean(values.is_active, at('is_active'), true),
    };
    return Object.values(row).includes(undefined) ? undefined : (row as SeedRow);
  },

  key: (row) => `${row.keyword.toLowerCase()}|${row.sector_id}|${row.country}`,

  async existing(manager, rows) {
    if (rows.length === 0) return [];
    const found = await manager.query<(ExistingSeed & { ord: number })[]>(
      `SELECT s.id, s.volume, s.difficulty, s.intent, s.is_active, v.ord
         FROM unnest($1::varchar[], $2::bigint[], $3::varchar[]) WITH ORDINALITY AS v(keyword, sector_id, country, ord)
         JOIN igny8_seed_keywords s
           ON lower(s.keyword) = lower(v.keyword) AND s.sector_id = v.sector_id AND s.country = v.country::char(2)`,
      columnArrays(rows, 3, (row) => [row.keyword, row.sector_id, row.country]),
    );
    return alignByOrdinal(found, rows.length);
  },

  differs: (row, existing) =>
    row.volume !== existing.volume ||
    row.difficulty !== existing.difficulty ||
    (row.intent !== null && row.intent !== existing.intent) ||
    row.is_active !== existing.is_active,

  write: (manager, creates, updates) =>
    upsertRows(
      manager,
      'igny8_seed_keywords',
      creates.map((row) => ({ ...row, intent: row.intent ?? 'informational' })),
      updates.map((u) => ({ ...u, value: { ...u.value, intent: u.value.intent ?? u.existing.intent } })),
      {
        insert: [
          column('keyword', 'varchar'),
          column('industry_id', 'bigint'),
          column('sector_id', 'bigint'),
          column('volume', 'integer'),
          column('difficulty', 'smallint'),
          column('intent', 'varchar'),
          column('country', 'bpchar'),
          column('is_active', 'boolean'),
        ],
        update: [
          column('volume', 'integer'),
          column('difficulty', 'smallint'),
          column('intent', 'varchar'),
          column('is_active', 'boolean'),
        ],
      },
    ),
};
