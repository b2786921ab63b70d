import { Index } from 'typeorm';

/**
 * The predicate of partial indexes on live rows: every default read has `deleted_at IS NULL`
 * (docs/domain-model.md#soft-delete-and-cascades).
 */
export const LIVE_ROWS = '"deleted_at" IS NULL';

/**
 * The two partial indexes on live rows that every planner/writer list uses inside
 * the tenant scope (`account_id = …`, optionally `site_id = …`):
 *
 *   `<table>_account_site_<suffix>_idx`  (account_id, site_id, <column>) — the main enum filter
 *   `<table>_account_created_idx`        (account_id, created_at, id)    — default/created_at ordering
 *
 * `filter` defaults to `status`.
 */
export function LiveListIndexes(
  table: string,
  filter = { column: 'status', suffix: 'status' },
): ClassDecorator {
  return (target) => {
    Index(`${table}_account_site_${filter.suffix}_idx`, ['account_id', 'site_id', filter.column], {
      where: LIVE_ROWS,
    })(target);
    Index(`${table}_account_created_idx`, ['account_id', 'created_at', 'id'], { where: LIVE_ROWS })(target);
  };
}
