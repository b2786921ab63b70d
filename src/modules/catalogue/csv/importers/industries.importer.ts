import { cell, INT32_MAX } from '../../../../common/csv/rows.js';
import {
  alignByOrdinal,
  checkUniqueNames,
  column,
  type CsvImporter,
  upsertRows,
} from '../csv-import.engine.js';

export const INDUSTRY_COLUMNS = ['name', 'slug', 'description', 'is_active', 'sort_order'] as const;

interface IndustryRow {
  name: string;
  slug: string;
  description: string;
  is_active: boolean;
  sort_order: number;
}

interface ExistingIndustry extends IndustryRow {
  id: number;
}

/** `admin/industries/import_csv/`: rows upsert by `slug` (docs/domain-model.md#catalogue). */
export const INDUSTRIES_IMPORTER: CsvImporter<IndustryRow, ExistingIndustry, null> = {
  required: INDUSTRY_COLUMNS,
  keyColumn: 'slug',

  prepare: async () => null,

  parse(values, _context, report) {
    const at = (column: string) => (message: string) => report(column, message);
    const row = {
      name: cell.text(values.name, at('name'), { max: 255 }),
      slug: cell.slug(values.slug, at('slug')),
      description: cell.text(values.description, at('description'), { required: false, trim: false }),
      is_active: cell.boolean(values.is_active, at('is_active'), true),
      sort_order: cell.integer(values.sort_order, at('sort_order'), {
        fallback: 0,
        min: -INT32_MAX,
        max: INT32_MAX,
      }),
    };
    return Object.values(row).includes(undefined) ? undefined : (row as IndustryRow);
  },

  key: (row) => row.slug,

  check: (manager, rows, errors) =>
    checkUniqueNames(
      rows,
      errors,
      (row) => ({ scope: 0, name: row.name, slug: row.slug }),
      (pairs) =>
        manager.query(`SELECT 0 AS scope, name, slug FROM igny8_industries WHERE name = ANY($1::varchar[])`, [
          pairs.map((pair) => pair.name),
        ]),
      'An industry with this name already exists.',
    ),

  async existing(manager, rows) {
    if (rows.length === 0) return [];
    const found = await manager.query<(ExistingIndustry & { ord: number })[]>(
      `SELECT i.id, i.name, i.slug, i.description, i.is_active, i.sort_order, v.ord
         FROM unnest($1::varchar[]) WITH ORDINALITY AS v(slug, ord)
         JOIN igny8_industries i ON i.slug = v.slug`,
      [rows.map((row) => row.slug)],
    );
    return alignByOrdinal(found, rows.length);
  },

  differs: (row, existing) =>
    row.name !== existing.name ||
    row.description !== existing.description ||
    row.is_active !== existing.is_active ||
    row.sort_order !== existing.sort_order,

  write: (manager, creates, updates) =>
    upsertRows(manager, 'igny8_industries', creates, updates, {
      insert: [
        column('name', 'varchar'),
        column('slug', 'varchar'),
        column('description', 'text'),
        column('is_active', 'boolean'),
        column('sort_order', 'integer'),
      ],
      update: [
        column('name', 'varchar'),
        column('description', 'text'),
        column('is_active', 'boolean'),
        column('sort_order', 'integer'),
      ],
      renamed: (u) => u.value.name !== u.existing.name,
    }),
};
