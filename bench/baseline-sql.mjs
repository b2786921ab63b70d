// The SQL our `GET /api/v1/planner/keywords/` runs for an account owner, captured from the built app
// (`npm run bench -- --check --show-sql`) and pasted verbatim; the baseline server runs exactly these.
// bench/list.mjs compares them with what our server runs on every benchmark and warns when they
// drift apart (then capture and paste again).

/** IdentityLookup.userById: the AuthGuard's one query for a JWT. */
export const USER_SQL = `SELECT u.id AS user_id, u.account_id, u.email, u.password_hash, u.role, u.is_active,
  u.is_superuser, u.tokens_valid_after, a.status AS account_status, a.is_active AS account_is_active,
  a.is_system AS account_is_system, p.is_active AS plan_is_active
  FROM igny8_users u
  JOIN igny8_accounts a ON a.id = u.account_id AND a.deleted_at IS NULL
  JOIN igny8_plans p ON p.id = a.plan_id
  WHERE u.deleted_at IS NULL AND u.id = $1`;

const FROM = `FROM "igny8_keywords" "k" INNER JOIN "igny8_seed_keywords" "sk" ON sk.id = k.seed_keyword_id
  WHERE (k.deleted_at IS NULL) AND (k.account_id = $1)`;

/** The list's count: tenant scope (account), soft delete, the seed join. `$1` account. */
export const COUNT_SQL = `SELECT COUNT(DISTINCT k.id) AS "count" ${FROM}`;

/** Ordering allowlist of the keywords list (KEYWORDS_LIST in src/modules/planner/keywords.service.ts). */
export const ORDERING = {
  keyword: 'sk.keyword',
  volume: 'COALESCE(k.volume_override, sk.volume)',
  difficulty: 'COALESCE(k.difficulty_override, sk.difficulty)',
  status: 'k.status',
  created_at: 'k.created_at',
  updated_at: 'k.updated_at',
};

/**
 * The page, as captured; `orderBy` is built from ORDERING only, `limit`/`offset` are validated
 * integers. `$1` account.
 */
export function pageSql(orderBy, limit, offset) {
  return `SELECT "k"."id", "k"."created_at", "k"."updated_at", "k"."account_id", "k"."created_by", "k"."site_id",
  "k"."sector_id", "k"."deleted_at", "k"."deleted_by", "k"."deleted_cascade_id", "k"."seed_keyword_id",
  "k"."volume_override", "k"."difficulty_override", "k"."attribute_values", "k"."cluster_id", "k"."status",
  "k"."disabled" ${FROM}
  ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`;
}

/** presentKeywords: the computed fields of the page's rows. `$1` the page's ids. */
export const PRESENT_SQL = `SELECT k.id, s.keyword, COALESCE(k.volume_override, s.volume) AS volume,
  COALESCE(k.difficulty_override, s.difficulty) AS difficulty, s.intent, s.country,
  c.name AS cluster_name, x.name AS sector_name
  FROM igny8_keywords k
  JOIN igny8_seed_keywords s ON s.id = k.seed_keyword_id
  LEFT JOIN igny8_clusters c ON c.id = k.cluster_id AND c.deleted_at IS NULL
  LEFT JOIN igny8_sectors x ON x.id = k.sector_id
  WHERE k.id = ANY($1::bigint[])`;

/** The four statements of the measured request (page_size=25, ordering=-volume, page 1). */
export const BASELINE_STATEMENTS = [
  USER_SQL,
  COUNT_SQL,
  pageSql(`${ORDERING.volume} DESC, k.id DESC`, 25, 0),
  PRESENT_SQL,
];

/** Whitespace-insensitive form, for comparisons. */
export function normalizeSql(text) {
  return text.replace(/\s+/g, ' ').trim();
}
