import type { CascadeLink, ParentLink } from '../../../common/tenancy/soft-delete.service.js';

/** A soft-delete cascade to register: `SoftDeleteService.registerCascade(parent, {table, column})`. */
export interface CascadeDeclaration extends CascadeLink {
  parent: string;
}

/** The planner tables (docs/domain-model.md#planner), all [site-sector] and soft-deletable. */
export const PLANNER_TABLES = ['igny8_keywords', 'igny8_clusters', 'igny8_content_ideas'] as const;

/**
 * A site-scoped row's restore parents: its site and its sector
 * (docs/domain-model.md#soft-delete-and-cascades).
 */
export const SITE_SECTOR_PARENTS: ParentLink[] = [
  { column: 'site_id', table: 'igny8_sites' },
  { column: 'sector_id', table: 'igny8_sectors' },
];

/** `parent` → `table.column` for every table: a deleted site or sector takes its rows with it. */
export function siteSectorCascades(tables: readonly string[]): CascadeDeclaration[] {
  return tables.flatMap((table) => [
    { parent: 'igny8_sites', table, column: 'site_id' },
    { parent: 'igny8_sectors', table, column: 'sector_id' },
  ]);
}

/**
 * Soft-delete cascades of the planner (docs/domain-model.md#soft-delete-and-cascades): site →
 * keywords/clusters/ideas (`site_id`), sector → the same (`sector_id`). The planner module registers them in
 * `onModuleInit`. A deleted cluster does not cascade: its keywords are detached instead (`onSoftDelete` hook
 * of the service).
 */
export const PLANNER_CASCADES: CascadeDeclaration[] = siteSectorCascades(PLANNER_TABLES);

/** Restore parents per planner table (`ResourceDefinition.parents`). */
export const PLANNER_PARENTS: Readonly<Record<(typeof PLANNER_TABLES)[number], ParentLink[]>> = {
  igny8_keywords: SITE_SECTOR_PARENTS,
  igny8_clusters: SITE_SECTOR_PARENTS,
  igny8_content_ideas: SITE_SECTOR_PARENTS,
};
