import { cell } from '../../../../common/csv/rows.js';
import {
  alignByOrdinal,
  checkUniqueNames,
  column,
  columnArrays,
  type CsvImporter,
  upsertRows,
} from '../csv-import.engine.js';

export const INDUSTRY_SECTOR_COLUMNS = ['industry_slug', 'name', 'slug', 'description', 'is_active'] as const;

interface SectorRow {
  industry_id: number;
  name: string;
  slug: string;
  description: string;
  is_active: boolean;
}

interface ExistingSector extends SectorRow {
  id: number;
}

/** Industry ids by slug, for the industries the file names. */
type IndustryIds = Map<string, number>;

/**
 * `admin/industry-sectors/import_csv/`: rows upsert by `slug` within the industry
 * (docs/domain-model.md#catalogue).
 */
export const INDUSTRY_SECTORS_IMPORTER: CsvImporter<SectorRow, ExistingSector, IndustryIds> = {
  required: INDUSTRY_SECTOR_COLUMNS,
  keyColumn: 'slug',

  async prepare(manager, rows) {
    const slugs = [...new Set(rows.map((row) => row.values.industry_slug.trim()))];
    const found = await manager.query<{ id: number; slug: string }[]>(
      'SELECT id, slug FROM igny8_industries WHERE slug = ANY($1::varchar[])',
      [slugs],
    );
    return new Map(found.map(({ id, slug }) => [slug, id]));
  },

  parse(values, industries, report) {
    const at = (column: string) => (message: string) => report(column, message);
    const industrySlug = cell.text(values.industry_slug, at('industry_slug'));
    const industryId = industrySlug === undefined ? undefined : industries.get(industrySlug);
    if (industrySlug !== undefined && industryId === undefined) {
      report('industry_slug', `Industry "${industrySlug}" does not exist.`);
    }
    const row = {
      industry_id: industryId,
      name: cell.text(values.name, at('name'), { max: 255 }),
      slug: cell.slug(values.slug, at('slug')),
      description: cell.text(values.description, at('description'), { required: false, trim: false }),
      is_active: cell.boolean(values.is_active, at('is_active'), true),
    };
    return Object.values(row).includes(undefined) ? undefined : (row as SectorRow);
  },

  key: (row) => `${row.industry_id}:${row.slug}`,

  check: (manager, rows, errors) =>
    checkUniqueNames(
      rows,
      errors,
      (row) => ({ scope: row.industry_id, name: row.name, slug: row.slug }),
      (pairs) =>
        manager.query(
          `SELECT s.industry_id AS scope, s.name, s.slug
             FROM unnest($1::bigint[], $2::varchar[]) AS v(industry_id, name)
             JOIN igny8_industry_sectors s ON s.industry_id = v.industry_id AND s.name = v.name`,
          columnArrays(pairs, 2, (pair) => [pair.scope, pair.name]),
        ),
      'A sector with this name already exists in this industry.',
    ),

  async existing(manager, rows) {
    if (rows.length === 0) return [];
    const found = await manager.query<(ExistingSector & { ord: number })[]>(
      `SELECT s.id, s.industry_id, s.name, s.slug, s.description, s.is_active, v.ord
         FROM unnest($1::bigint[], $2::varchar[]) WITH ORDINALITY AS v(industry_id, slug, ord)
         JOIN igny8_industry_sectors s ON s.industry_id = v.industry_id AND s.slug = v.slug`,
      columnArrays(rows, 2, (row) => [row.industry_id, row.slug]),
    );
    return alignByOrdinal(found, rows.length);
  },

  differs: (row, existing) =>
    row.name !== existing.name ||
    row.description !== existing.description ||
    row.is_active !== existing.is_active,

  write: (manager, creates, updates) =>
    upsertRows(manager, 'igny8_industry_sectors', creates, updates, {
      insert: [
        column('industry_id', 'bigint'),
        column('name', 'varchar'),
        column('slug', 'varchar'),
        column('description', 'text'),
        column('is_active', 'boolean'),
      ],
      update: [column('name', 'varchar'), column('description', 'text'), column('is_active', 'boolean')],
      renamed: (u) => u.value.name !== u.existing.name,
    }),
};
