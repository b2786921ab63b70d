// Set-based seeding of the benchmark database (already migrated): `accounts` accounts on the
// `scale` plan, each with an owner, 2 technology sites × every technology sector, 5 clusters per
// sector, `perAccount` keywords and `contentPerAccount` content rows spread evenly over its sectors. The reference seed keywords of the
// technology industry are few, so each sector gets extra active seed keywords ("<sector> topic 0001"…)
// up to the number its keywords need. About one third of the keywords are mapped to a cluster, one in
// seven overrides the seed's volume, one in fifty is soft-deleted (so the list's `deleted_at` filter
// matters). Returns the owners (id, account id) the benchmark mints tokens for.

export const SITES_PER_ACCOUNT = 2;
export const CLUSTERS_PER_SECTOR = 5;
export const TERMS_PER_SITE = 3;
const TAG = 'bench';
/** Nobody logs in: the benchmark authenticates with minted access tokens. */
const UNUSABLE_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function seed(client, { accounts, perAccount, contentPerAccount }) {
  const [{ sectors }] = (
    await client.query(
      `SELECT count(*)::integer AS sectors FROM igny8_industry_sectors s
         JOIN igny8_industries i ON i.id = s.industry_id WHERE i.slug = 'technology' AND s.is_active`,
    )
  ).rows;
  if (sectors === 0) throw new Error('No technology sectors: were the reference-data migrations run?');
  const perSector = Math.ceil(perAccount / (SITES_PER_ACCOUNT * sectors));
  const contentPerSector = Math.ceil(contentPerAccount / (SITES_PER_ACCOUNT * sectors));

  let owners;
  await client.query('BEGIN');
  try {
    // Seed keywords: top up every technology sector to `perSector` active seeds.
    await client.query(
      `INSERT INTO igny8_seed_keywords (industry_id, sector_id, keyword, volume, difficulty, intent, country, is_active)
       SELECT s.industry_id, s.id, lower(s.name) || ' topic ' || lpad(g::text, 4, '0'),
              (g * 7919 + s.id * 104729) % 60000, (g * 37) % 101,
              (ARRAY['informational', 'commercial', 'transactional', 'navigational'])[1 + g % 4], 'US', true
         FROM igny8_industry_sectors s
         JOIN igny8_industries i ON i.id = s.industry_id AND i.slug = 'technology'
        CROSS JOIN generate_series(1, $1::integer) g
        WHERE s.is_active
           AND g <= $1::integer - (SELECT count(*) FROM igny8_seed_keywords k WHERE k.sector_id = s.id AND k.is_active)
       ON CONFLICT DO NOTHING`,
      [perSector],
    );
    owners = (
      await client.query(
        `WITH plan AS (SELECT id FROM igny8_plans WHERE slug = 'scale'),
              accounts AS (
                INSERT INTO igny8_accounts (name, slug, plan_id, status, credits)
                SELECT 'Bench account ' || g, '${TAG}-' || g, plan.id, 'active', 1000
                  FROM generate_series(1, $1::integer) g, plan
                RETURNING id, slug)
         INSERT INTO igny8_users (account_id, email, username, password_hash, role)
         SELECT id, 'owner@' || slug || '.example.com', 'owner-' || slug,
                $2, 'owner'
           FROM accounts ORDER BY id
         RETURNING id, account_id`,
        [accounts, UNUSABLE_HASH],
      )
    ).rows;
    await client.query(
      `UPDATE igny8_accounts a SET owner_id = u.id FROM igny8_users u
        WHERE u.account_id = a.id AND u.role = 'owner' AND a.slug LIKE '${TAG}-%'`,
    );
    await client.query(
      `INSERT INTO igny8_sites (account_id, created_by, name, slug, industry_id)
       SELECT a.id, a.owner_id, 'Site ' || g, a.slug || '-site-' || g, i.id
         FROM igny8_accounts a CROSS JOIN generate_series(1, $1::integer) g
         JOIN igny8_industries i ON i.slug = 'technology'
        WHERE a.slug LIKE '${TAG}-%'`,
      [SITES_PER_ACCOUNT],
    );
    await client.query(
      `INSERT INTO igny8_sectors (account_id, created_by, site_id, industry_sector_id, name, slug)
       SELECT s.account_id, s.created_by, s.id, t.id, t.name, t.slug
         FROM igny8_sites s JOIN igny8_industry_sectors t ON t.industry_id = s.industry_id AND t.is_active
        WHERE s.account_id = ANY($1::bigint[])`,
      [owners.map((o) => o.account_id)],
    );
    await client.query(
      `INSERT INTO igny8_clusters (account_id, created_by, site_id, sector_id, name)
       SELECT x.account_id, x.created_by, x.site_id, x.id, x.name || ' cluster ' || g
         FROM igny8_sectors x CROSS JOIN generate_series(1, $2::integer) g
        WHERE x.account_id = ANY($1::bigint[])`,
      [owners.map((o) => o.account_id), CLUSTERS_PER_SECTOR],
    );
    await client.query(
      `WITH picked AS (
         SELECT x.account_id, x.created_by, x.site_id, x.id AS sector_id, k.id AS seed_id, k.volume,
                row_number() OVER (PARTITION BY x.id ORDER BY k.id) AS rn
           FROM igny8_sectors x
           JOIN igny8_seed_keywords k ON k.sector_id = x.industry_sector_id AND k.is_active
          WHERE x.account_id = ANY($1::bigint[])),
       clusters AS (
         SELECT id, sector_id, row_number() OVER (PARTITION BY sector_id ORDER BY id) - 1 AS idx
           FROM igny8_clusters WHERE account_id = ANY($1::bigint[]))
       INSERT INTO igny8_keywords (account_id, created_by, site_id, sector_id, seed_keyword_id, volume_override,
                                   difficulty_override, cluster_id, status, created_at, updated_at, deleted_at,
                                   deleted_by)
       SELECT p.account_id, p.created_by, p.site_id, p.sector_id, p.seed_id,
              CASE WHEN p.rn % 7 = 0 THEN (p.rn * 131) % 50000 END,
              CASE WHEN p.rn % 11 = 0 THEN (p.rn % 101)::smallint END,
              c.id, CASE WHEN c.id IS NULL THEN 'new' ELSE 'mapped' END,
              now() - p.rn * interval '1 minute', now() - p.rn * interval '1 minute',
              CASE WHEN p.rn % 50 = 0 THEN now() END, CASE WHEN p.rn % 50 = 0 THEN p.created_by END
         FROM picked p
         LEFT JOIN clusters c ON c.sector_id = p.sector_id AND c.idx = p.rn % $3::integer
                             AND p.rn % 3 = 0 AND p.rn % 50 <> 0
        WHERE p.rn <= $2::integer`,
      [owners.map((o) => o.account_id), perSector, CLUSTERS_PER_SECTOR],
    );
    // Content: `contentPerSector` rows per site sector (most in one of its clusters, 1 in 50 in
    // the trash), each with a category of its site; a featured image on every second one and an
    // in-article image on every third (no files: pending images have no URL).
    await client.query(
      `INSERT INTO igny8_content_taxonomy_terms (account_id, created_by, site_id, name, slug, taxonomy_type)
       SELECT s.account_id, s.created_by, s.id, 'Category ' || g, 'category-' || g, 'category'
         FROM igny8_sites s CROSS JOIN generate_series(1, $2::integer) g
        WHERE s.account_id = ANY($1::bigint[])`,
      [owners.map((o) => o.account_id), TERMS_PER_SITE],
    );
    await client.query(
      `WITH clusters AS (
         SELECT id, sector_id, row_number() OVER (PARTITION BY sector_id ORDER BY id) - 1 AS idx
           FROM igny8_clusters WHERE account_id = ANY($1::bigint[]))
       INSERT INTO igny8_content (account_id, created_by, site_id, sector_id, title, content_html, word_count,
                                  meta_title, primary_keyword, secondary_keywords, cluster_id, status,
                                  created_at, updated_at, deleted_at, deleted_by)
       SELECT x.account_id, x.created_by, x.site_id, x.id, x.name || ' article ' || g,
              repeat('<p>' || x.name || ' article ' || g || ': a paragraph of body text for the list.</p>', 8),
              8 * 12, x.name || ' article ' || g, lower(x.name) || ' topic ' || g,
              jsonb_build_array(lower(x.name) || ' idea ' || g),
              c.id, (ARRAY['draft', 'review', 'approved'])[1 + g % 3],
              now() - g * interval '1 minute', now() - g * interval '1 minute',
              CASE WHEN g % 50 = 0 THEN now() END, CASE WHEN g % 50 = 0 THEN x.created_by END
         FROM igny8_sectors x CROSS JOIN generate_series(1, $2::integer) g
         LEFT JOIN clusters c ON c.sector_id = x.id AND c.idx = g % $3::integer AND g % 4 <> 0
        WHERE x.account_id = ANY($1::bigint[])`,
      [owners.map((o) => o.account_id), contentPerSector, CLUSTERS_PER_SECTOR],
    );
    await client.query(
      `INSERT INTO igny8_content_taxonomy_relations (content_id, taxonomy_id)
       SELECT c.id, t.id
         FROM igny8_content c
         JOIN igny8_content_taxonomy_terms t ON t.site_id = c.site_id AND t.slug = 'category-' || (1 + c.id % $2::integer)
        WHERE c.account_id = ANY($1::bigint[])`,
      [owners.map((o) => o.account_id), TERMS_PER_SITE],
    );
    await client.query(
      `INSERT INTO igny8_images (account_id, created_by, site_id, sector_id, content_id, image_type, position, prompt)
       SELECT c.account_id, c.created_by, c.site_id, c.sector_id, c.id, 'featured', 0, c.title
         FROM igny8_content c WHERE c.account_id = ANY($1::bigint[]) AND c.id % 2 = 0
       UNION ALL
       SELECT c.account_id, c.created_by, c.site_id, c.sector_id, c.id, 'in_article', 1, c.title
         FROM igny8_content c WHERE c.account_id = ANY($1::bigint[]) AND c.id % 3 = 0`,
      [owners.map((o) => o.account_id)],
    );
    await client.query(
      `UPDATE igny8_clusters c SET mapped_pages = agg.n
         FROM (SELECT cluster_id, count(*)::integer AS n FROM igny8_content
                WHERE deleted_at IS NULL AND cluster_id IS NOT NULL GROUP BY cluster_id) agg
        WHERE agg.cluster_id = c.id`,
    );
    // Cluster aggregates as the API keeps them: live keywords and their effective volume.
    await client.query(
      `UPDATE igny8_clusters c SET keywords_count = agg.n, volume = agg.v
         FROM (SELECT k.cluster_id, count(*)::integer AS n, sum(COALESCE(k.volume_override, s.volume))::integer AS v
                 FROM igny8_keywords k JOIN igny8_seed_keywords s ON s.id = k.seed_keyword_id
                WHERE k.deleted_at IS NULL AND k.cluster_id IS NOT NULL GROUP BY k.cluster_id) agg
        WHERE agg.cluster_id = c.id`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  // As autovacuum leaves a table at rest: statistics, and a visibility map for index-only scans.
  await client.query('VACUUM ANALYZE');
  // The pages the seed and the vacuum dirtied are written now, not by the checkpointer while a side
  // is measured.
  await client.query('CHECKPOINT');
  const totals = (
    await client.query(
      `SELECT count(*)::integer AS total, count(*) FILTER (WHERE deleted_at IS NULL)::integer AS live,
              count(DISTINCT account_id)::integer AS accounts,
              (SELECT count(*)::integer FROM igny8_content WHERE account_id = ANY($1::bigint[])) AS content,
              (SELECT count(*)::integer FROM igny8_clusters WHERE account_id = ANY($1::bigint[])) AS clusters
         FROM igny8_keywords WHERE account_id = ANY($1::bigint[])`,
      [owners.map((o) => o.account_id)],
    )
  ).rows[0];
  return {
    owners: owners.map((o) => ({ id: Number(o.id), accountId: Number(o.account_id) })),
    totals,
    perSector,
  };
}
