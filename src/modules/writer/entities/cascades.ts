import type { ParentLink } from '../../../common/tenancy/soft-delete.service.js';
import {
  type CascadeDeclaration,
  SITE_SECTOR_PARENTS,
  siteSectorCascades,
} from '../../planner/entities/cascades.js';

/** The soft-deletable writer tables (docs/domain-model.md#writer); the two relation tables are hard rows. */
export const WRITER_TABLES = [
  'igny8_tasks',
  'igny8_content',
  'igny8_images',
  'igny8_content_taxonomy_terms',
] as const;

/**
 * Soft-delete cascades of the writer (docs/domain-model.md#soft-delete-and-cascades): site →
 * tasks/content/images/taxonomy terms (`site_id`), sector → the same (`sector_id`; taxonomy terms only when
 * they name that sector, their `sector_id` being optional), content → images (`content_id`). The writer
 * module registers them in `onModuleInit`. Tasks, ideas and clusters do not cascade to content.
 */
export const WRITER_CASCADES: CascadeDeclaration[] = [
  ...siteSectorCascades(WRITER_TABLES),
  { parent: 'igny8_content', table: 'igny8_images', column: 'content_id' },
];

/** Restore parents per writer table (`ResourceDefinition.parents`); a NULL parent column is skipped. */
export const WRITER_PARENTS: Readonly<Record<(typeof WRITER_TABLES)[number], ParentLink[]>> = {
  igny8_tasks: SITE_SECTOR_PARENTS,
  igny8_content: SITE_SECTOR_PARENTS,
  igny8_images: [...SITE_SECTOR_PARENTS, { column: 'content_id', table: 'igny8_content' }],
  igny8_content_taxonomy_terms: SITE_SECTOR_PARENTS,
};
