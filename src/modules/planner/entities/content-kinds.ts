/**
 * Enum values shared by planner ideas and writer tasks/content
 * (docs/domain-model.md#content-types-and-structures).
 */

export const CONTENT_TYPES = ['post', 'page', 'product', 'taxonomy'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/**
 * The `content_structure` values usually paired with each `content_type`
 * (docs/domain-model.md#content-types-and-structures). Guidance for clients and prompts only: the pairing is
 * not enforced.
 */
export const CONTENT_STRUCTURES_BY_TYPE = {
  post: ['article', 'guide', 'comparison', 'review', 'listicle'],
  page: ['landing_page', 'business_page', 'service_page', 'general', 'cluster_hub'],
  product: ['product_page'],
  taxonomy: ['category_archive', 'tag_archive', 'attribute_archive'],
} as const satisfies Record<ContentType, readonly string[]>;

/** The `content_structure` enum: the union of the 14 values above. */
export const CONTENT_STRUCTURES = [
  ...CONTENT_STRUCTURES_BY_TYPE.post,
  ...CONTENT_STRUCTURES_BY_TYPE.page,
  ...CONTENT_STRUCTURES_BY_TYPE.product,
  ...CONTENT_STRUCTURES_BY_TYPE.taxonomy,
] as const;
export type ContentStructure = (typeof CONTENT_STRUCTURES)[number];

/** `sync_status` of content and taxonomy terms: state of the last exchange with the remote platform. */
export const SYNC_STATUSES = ['not_synced', 'synced', 'failed'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];
