import type { EntityManager } from 'typeorm';
import { field, type FieldSchema } from '../../common/http/page-schema.js';
import { computedSql, type PageComputed } from '../../common/list/index.js';
import { type TenantSql, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Sector } from '../identity/entities/sector.entity.js';
import { SeedKeyword } from '../catalogue/entities/seed-keyword.entity.js';
import { Cluster } from './entities/cluster.entity.js';
import { ContentIdeaKeyword } from './entities/content-idea-keyword.entity.js';
import { ContentIdea } from './entities/content-idea.entity.js';
import { Keyword } from './entities/keyword.entity.js';
import { WRITER_TASK } from './writer-tables.js';

/*
 * Keyword, Cluster and Idea objects (docs/api-conventions.md#object-representations): every column under its
 * name, plus the computed fields, read for a whole page in one query (the rows given are already visible to
 * the caller; related rows are read by their ids, deleted ones hidden).
 */

/** The columns every planner and writer row has. */
export const ROW_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'account_id',
  'created_by',
  'site_id',
  'sector_id',
  'deleted_at',
  'deleted_by',
  'deleted_cascade_id',
] as const;

const ROW_SCHEMA = {
  id: field.integer,
  created_at: field.dateTime,
  updated_at: field.dateTime,
  account_id: field.integer,
  created_by: field.integerOrNull,
  site_id: field.integer,
  sector_id: field.integer,
  deleted_at: field.dateTimeOrNull,
  deleted_by: field.integerOrNull,
  deleted_cascade_id: field.stringOrNull,
} satisfies Record<(typeof ROW_FIELDS)[number], FieldSchema>;

/**
 * The row's `fields`: a plain row of a list page has exactly these (the resource's `listColumns`);
 * an entity also carries its relation properties.
 */
function rowFields<T extends object, K extends keyof T>(row: T, fields: readonly K[]): Pick<T, K> {
  if (Object.getPrototypeOf(row) === Object.prototype) return row;
  const out = {} as Pick<T, K>;
  for (const field of fields) out[field] = row[field];
  return out;
}

/** One query per page: `select` reads `id` plus the computed columns of the rows with these ids. */
async function computed<R extends { id: number }>(
  manager: EntityManager,
  rows: readonly { id: number }[],
  select: (sql: TenantSql, ids: number[]) => Promise<R[]>,
): Promise<Map<number, R>> {
  if (rows.length === 0) return new Map();
  const found = await select(
    tenantSql(manager),
    rows.map((row) => row.id),
  );
  return new Map(found.map((row) => [Number(row.id), row]));
}

export const KEYWORD_FIELDS = [
  ...ROW_FIELDS,
  'seed_keyword_id',
  'volume_override',
  'difficulty_override',
  'attribute_values',
  'cluster_id',
  'status',
  'disabled',
] as const satisfies readonly (keyof Keyword)[];

export type KeywordView = Pick<Keyword, (typeof KEYWORD_FIELDS)[number]> & {
  keyword: string;
  volume: number;
  difficulty: number;
  intent: string;
  country: string;
  cluster_name: string | null;
  sector_name: string | null;
};

/** The JSON types of a keyword object, in its field order (the list's response schema). */
export const KEYWORD_SCHEMA = {
  ...ROW_SCHEMA,
  seed_keyword_id: field.integer,
  volume_override: field.integerOrNull,
  difficulty_override: field.integerOrNull,
  attribute_values: field.any,
  cluster_id: field.integerOrNull,
  status: field.string,
  disabled: field.boolean,
  keyword: field.string,
  volume: field.integer,
  difficulty: field.integer,
  intent: field.string,
  country: field.string,
  cluster_name: field.stringOrNull,
  sector_name: field.stringOrNull,
} satisfies Record<keyof KeywordView, FieldSchema>;

/** Effective values (the keyword's override, else the seed's), stored on the keyword. */
export const VOLUME = 'k.volume';
export const DIFFICULTY = 'k.difficulty';

/** A keyword's computed fields over `k` and its seed `sk` (list pages select them with the row). */
export const KEYWORD_COMPUTED = {
  fields: {
    keyword: 'sk.keyword',
    volume: VOLUME,
    difficulty: DIFFICULTY,
    intent: 'sk.intent',
    country: 'sk.country',
    cluster_name:
      '(SELECT kc.name FROM igny8_clusters kc WHERE kc.id = k.cluster_id AND kc.deleted_at IS NULL)',
    sector_name: '(SELECT kx.name FROM igny8_sectors kx WHERE kx.id = k.sector_id)',
  },
} satisfies PageComputed;

const KEYWORD_EXTRA = computedSql(KEYWORD_COMPUTED);

export async function presentKeywords(manager: EntityManager, rows: Keyword[]): Promise<KeywordView[]> {
  const extra = await computed(manager, rows, (sql, ids) => {
    const k = sql.table(Keyword, 'k');
    const sk = sql.global(SeedKeyword, 'sk');
    return sql.query<({ id: number } & Pick<KeywordView, keyof typeof KEYWORD_COMPUTED.fields>)[]>`
      SELECT k.id, ${sql.constant(KEYWORD_EXTRA)}
        FROM ${k} JOIN ${sk} ON sk.id = k.seed_keyword_id
       WHERE ${k.scope} AND k.id = ANY(${ids}::bigint[])`;
  });
  return rows.map((row) => {
    const more = extra.get(Number(row.id));
    return {
      ...rowFields(row, KEYWORD_FIELDS),
      keyword: more?.keyword ?? '',
      volume: Number(more?.volume ?? 0),
      difficulty: Number(more?.difficulty ?? 0),
      intent: more?.intent ?? '',
      country: more?.country ?? '',
      cluster_name: more?.cluster_name ?? null,
      sector_name: more?.sector_name ?? null,
    };
  });
}

export const CLUSTER_FIELDS = [
  ...ROW_FIELDS,
  'name',
  'description',
  'keywords_count',
  'volume',
  'mapped_pages',
  'status',
  'disabled',
] as const satisfies readonly (keyof Cluster)[];

export type ClusterView = Pick<Cluster, (typeof CLUSTER_FIELDS)[number]> & {
  sector_name: string | null;
  ideas_count: number;
};

/** A cluster's computed fields over `c` (list pages select them with the row). */
export const CLUSTER_COMPUTED = {
  fields: {
    sector_name: '(SELECT cx.name FROM igny8_sectors cx WHERE cx.id = c.sector_id)',
    ideas_count: `(SELECT count(*) FROM igny8_content_ideas ci
                    WHERE ci.keyword_cluster_id = c.id AND ci.deleted_at IS NULL)::integer`,
  },
} satisfies PageComputed;

const CLUSTER_EXTRA = computedSql(CLUSTER_COMPUTED);

export async function presentClusters(manager: EntityManager, rows: Cluster[]): Promise<ClusterView[]> {
  const extra = await computed(manager, rows, (sql, ids) => {
    const c = sql.table(Cluster, 'c');
    return sql.query<{ id: number; sector_name: string | null; ideas_count: number }[]>`
      SELECT c.id, ${sql.constant(CLUSTER_EXTRA)} FROM ${c} WHERE ${c.scope} AND c.id = ANY(${ids}::bigint[])`;
  });
  return rows.map((row) => {
    const more = extra.get(Number(row.id));
    return {
      ...rowFields(row, CLUSTER_FIELDS),
      sector_name: more?.sector_name ?? null,
      ideas_count: Number(more?.ideas_count ?? 0),
    };
  });
}

export const IDEA_FIELDS = [
  ...ROW_FIELDS,
  'idea_title',
  'description',
  'target_keywords',
  'keyword_cluster_id',
  'status',
  'disabled',
  'estimated_word_count',
  'content_type',
  'content_structure',
  'outline',
  'brief',
  'audience',
  'tone',
  'call_to_action',
  'language',
  'is_priority',
] as const satisfies readonly (keyof ContentIdea)[];

export interface KeywordObject {
  id: number;
  keyword: string;
}

export type IdeaView = Pick<ContentIdea, (typeof IDEA_FIELDS)[number]> & {
  keyword_ids: number[];
  keyword_objects: KeywordObject[];
  keyword_cluster_name: string | null;
  sector_name: string | null;
  task_id: number | null;
};

export async function presentIdeas(manager: EntityManager, rows: ContentIdea[]): Promise<IdeaView[]> {
  const extra = await computed(manager, rows, (sql, ids) => {
    const [i, x, c, t] = [
      sql.table(ContentIdea, 'i'),
      sql.table(Sector, 'x'),
      sql.table(Cluster, 'c'),
      sql.table(WRITER_TASK, 't'),
    ];
    const [j, k, s] = [
      sql.table(ContentIdeaKeyword, 'j'),
      sql.table(Keyword, 'k'),
      sql.global(SeedKeyword, 's'),
    ];
    return sql.query<
      {
        id: number;
        sector_name: string | null;
        keyword_cluster_name: string | null;
        task_id: number | null;
        keyword_objects: KeywordObject[];
      }[]
    >`
      SELECT i.id, x.name AS sector_name, c.name AS keyword_cluster_name,
             (SELECT t.id FROM ${t} WHERE ${t.scope} AND t.idea_id = i.id AND t.deleted_at IS NULL
               ORDER BY t.id DESC LIMIT 1) AS task_id,
             COALESCE((SELECT json_agg(json_build_object('id', k.id, 'keyword', s.keyword) ORDER BY k.id)
                         FROM ${j}
                         JOIN ${k} ON k.id = j.keyword_id AND k.deleted_at IS NULL AND ${k.scope}
                         JOIN ${s} ON s.id = k.seed_keyword_id
                        WHERE ${j.scope} AND j.content_idea_id = i.id), '[]'::json) AS keyword_objects
        FROM ${i}
        LEFT JOIN ${x} ON x.id = i.sector_id AND ${x.scope}
        LEFT JOIN ${c} ON c.id = i.keyword_cluster_id AND c.deleted_at IS NULL AND ${c.scope}
       WHERE ${i.scope} AND i.id = ANY(${ids}::bigint[])`;
  });
  return rows.map((row) => {
    const more = extra.get(Number(row.id));
    const keywordObjects = (more?.keyword_objects ?? []).map((k) => ({
      id: Number(k.id),
      keyword: k.keyword,
    }));
    return {
      ...rowFields(row, IDEA_FIELDS),
      keyword_ids: keywordObjects.map((k) => k.id),
      keyword_objects: keywordObjects,
      keyword_cluster_name: more?.keyword_cluster_name ?? null,
      sector_name: more?.sector_name ?? null,
      task_id: more?.task_id === null || more?.task_id === undefined ? null : Number(more.task_id),
    };
  });
}
