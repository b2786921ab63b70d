// The SQL of the bare baseline (bench/baseline.mjs): what a skilled engineer would write for these
// lists with `pg` alone — one user lookup for the JWT, then per list one page statement that
// selects every field of the answer (labels and small collections as scalar subqueries, which
// PostgreSQL evaluates after the sort and limit, for the page's rows only) and one plain
// count, the two sent in parallel on two pooled connections. Our own SQL is part of what the
// benchmark measures, so none of this is copied from the app.

/** The user, its account and plan, for the JWT check and the account gate. `$1` user id. */
export const USER_SQL = `SELECT u.id AS user_id, u.account_id, u.role, u.is_active, u.is_superuser,
  u.tokens_valid_after, a.status AS account_status, a.is_active AS account_is_active,
  a.is_system AS account_is_system, p.is_active AS plan_is_active
  FROM igny8_users u
  JOIN igny8_accounts a ON a.id = u.account_id AND a.deleted_at IS NULL
  JOIN igny8_plans p ON p.id = a.plan_id
  WHERE u.deleted_at IS NULL AND u.id = $1`;

const ROW = (alias) =>
  ['id', 'created_at', 'updated_at', 'account_id', 'created_by', 'site_id', 'sector_id', 'deleted_at']
    .concat(['deleted_by', 'deleted_cascade_id'])
    .map((column) => `${alias}.${column}`)
    .join(', ');

/**
 * Each list: its count (`$1` account), its page (`$1` account; ORDER BY from the allowlist,
 * LIMIT/OFFSET validated integers) and its ordering allowlist; the id breaks ties.
 */
export const LISTS = {
  keywords: {
    count: `SELECT count(*)::integer AS count FROM igny8_keywords k
      WHERE k.account_id = $1 AND k.deleted_at IS NULL`,
    page: (orderBy, limit, offset) => `SELECT ${ROW('k')}, k.seed_keyword_id, k.volume_override,
      k.difficulty_override, k.attribute_values, k.cluster_id, k.status, k.disabled,
      s.keyword, k.volume, k.difficulty, s.intent, s.country,
      (SELECT c.name FROM igny8_clusters c WHERE c.id = k.cluster_id AND c.deleted_at IS NULL) AS cluster_name,
      (SELECT x.name FROM igny8_sectors x WHERE x.id = k.sector_id) AS sector_name
      FROM igny8_keywords k
      JOIN igny8_seed_keywords s ON s.id = k.seed_keyword_id
      WHERE k.account_id = $1 AND k.deleted_at IS NULL
      ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`,
    ordering: {
      keyword: 's.keyword',
      volume: 'k.volume',
      difficulty: 'k.difficulty',
      status: 'k.status',
      created_at: 'k.created_at',
      updated_at: 'k.updated_at',
    },
    id: 'k.id',
  },
  clusters: {
    count: `SELECT count(*)::integer AS count FROM igny8_clusters c
      WHERE c.account_id = $1 AND c.deleted_at IS NULL`,
    page: (orderBy, limit, offset) => `SELECT ${ROW('c')}, c.name, c.description, c.keywords_count,
      c.volume, c.mapped_pages, c.status, c.disabled,
      (SELECT x.name FROM igny8_sectors x WHERE x.id = c.sector_id) AS sector_name,
      (SELECT count(*) FROM igny8_content_ideas i
        WHERE i.keyword_cluster_id = c.id AND i.deleted_at IS NULL)::integer AS ideas_count
      FROM igny8_clusters c
      WHERE c.account_id = $1 AND c.deleted_at IS NULL
      ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`,
    ordering: {
      name: 'c.name',
      keywords_count: 'c.keywords_count',
      volume: 'c.volume',
      mapped_pages: 'c.mapped_pages',
      status: 'c.status',
      created_at: 'c.created_at',
    },
    id: 'c.id',
  },
  content: {
    count: `SELECT count(*)::integer AS count FROM igny8_content c
      WHERE c.account_id = $1 AND c.deleted_at IS NULL`,
    page: (orderBy, limit, offset) => `SELECT ${ROW('c')}, c.title, c.content_html, c.word_count,
      c.meta_title, c.meta_description, c.primary_keyword, c.secondary_keywords, c.cluster_id, c.task_id,
      c.content_type, c.content_structure, c.source, c.status, c.site_status, c.scheduled_publish_at,
      c.published_at, c.external_id, c.external_url, c.external_type, c.external_metadata, c.sync_status,
      c.schema_markup, c.internal_links,
      (SELECT cl.name FROM igny8_clusters cl WHERE cl.id = c.cluster_id AND cl.deleted_at IS NULL) AS cluster_name,
      (SELECT x.name FROM igny8_sectors x WHERE x.id = c.sector_id AND x.deleted_at IS NULL) AS sector_name,
      ARRAY(SELECT t.id FROM igny8_content_taxonomy_relations r
              JOIN igny8_content_taxonomy_terms t ON t.id = r.taxonomy_id AND t.deleted_at IS NULL
             WHERE r.content_id = c.id ORDER BY t.id) AS taxonomy_term_ids,
      (SELECT json_build_object('id', i.id, 'status', i.status)
         FROM igny8_images i
        WHERE i.content_id = c.id AND i.image_type = 'featured' AND i.deleted_at IS NULL
        LIMIT 1) AS featured_image,
      (SELECT count(*) FROM igny8_images i
        WHERE i.content_id = c.id AND i.deleted_at IS NULL)::integer AS images_count
      FROM igny8_content c
      WHERE c.account_id = $1 AND c.deleted_at IS NULL
      ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`,
    ordering: {
      title: 'c.title',
      status: 'c.status',
      site_status: 'c.site_status',
      word_count: 'c.word_count',
      created_at: 'c.created_at',
      updated_at: 'c.updated_at',
      published_at: 'c.published_at',
      scheduled_publish_at: 'c.scheduled_publish_at',
    },
    id: 'c.id',
  },
};
