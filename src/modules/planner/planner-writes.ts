import type { EntityManager } from 'typeorm';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { lockClusters, refreshClusters } from './cluster-aggregates.js';
import { Cluster } from './entities/cluster.entity.js';
import { ContentIdeaKeyword } from './entities/content-idea-keyword.entity.js';
import { ContentIdea } from './entities/content-idea.entity.js';
import { Keyword } from './entities/keyword.entity.js';
import { CLUSTER_STATUS, IDEA_STATUS, KEYWORD_STATUS } from './state-machines.js';

/*
 * The planner rows other modules create or move (AI clustering, idea and content generation), each
 * inside the caller's transaction: they pass their EntityManager. Status changes touch only rows
 * the planner's state machines let reach the new status.
 */

export interface ClusterPlace {
  siteId: number;
  sectorId: number;
}

/** The live cluster of this name in the sector (case-insensitive), or a new `new` one. */
export async function findOrCreateCluster(
  manager: EntityManager,
  place: ClusterPlace,
  name: string,
  description: string,
): Promise<{ id: number; isNew: boolean }> {
  const sql = tenantSql(manager);
  const c = sql.table(Cluster, 'c');
  const [existing] = await sql.query<{ id: number }[]>`
    SELECT c.id FROM ${c}
     WHERE ${c.scope} AND c.sector_id = ${place.sectorId} AND lower(c.name) = lower(${name}) AND c.deleted_at IS NULL
     LIMIT 1`;
  if (existing) return { id: Number(existing.id), isNew: false };
  const cluster = await manager.save(
    manager.create(Cluster, {
      site_id: place.siteId,
      sector_id: place.sectorId,
      name,
      description,
      status: 'new',
    }),
  );
  return { id: cluster.id, isNew: true };
}

/**
 * Moves each group of keywords into its cluster (`mapped`), keeping the counts of the clusters
 * they leave and join up to date.
 */
export async function assignKeywordsToClusters(
  manager: EntityManager,
  assignments: readonly { clusterId: number; keywordIds: readonly number[] }[],
): Promise<void> {
  const keywordIds = assignments.flatMap((assignment) => assignment.keywordIds);
  const sql = tenantSql(manager);
  const k = sql.table(Keyword, 'k');
  const previous = await sql.query<{ cluster_id: number }[]>`
    SELECT DISTINCT k.cluster_id FROM ${k}
     WHERE ${k.scope} AND k.id = ANY(${keywordIds}::bigint[]) AND k.cluster_id IS NOT NULL`;
  const touched = [
    ...previous.map((row) => Number(row.cluster_id)),
    ...assignments.map((assignment) => assignment.clusterId),
  ];
  await lockClusters(manager, touched);
  for (const assignment of assignments) {
    await sql.query`
      UPDATE ${k} SET cluster_id = ${assignment.clusterId}, status = 'mapped', updated_at = now()
       WHERE ${k.scope} AND k.id = ANY(${assignment.keywordIds}::bigint[])
         AND k.status = ANY(${KEYWORD_STATUS.sources('mapped')}::text[])`;
  }
  await refreshClusters(manager, touched);
}

export type GeneratedIdea = Pick<
  ContentIdea,
  | 'idea_title'
  | 'description'
  | 'target_keywords'
  | 'content_type'
  | 'content_structure'
  | 'estimated_word_count'
  | 'outline'
> & { keywordIds: readonly number[] };

/** Saves a cluster's generated ideas (`new`, linked to the keywords they cover); the cluster becomes `mapped`. */
export async function saveGeneratedIdeas(
  manager: EntityManager,
  cluster: { id: number; siteId: number; sectorId: number },
  ideas: readonly GeneratedIdea[],
): Promise<number[]> {
  const sql = tenantSql(manager);
  const ideaIds: number[] = [];
  for (const { keywordIds, ...idea } of ideas) {
    const saved = await manager.save(
      manager.create(ContentIdea, {
        ...idea,
        site_id: cluster.siteId,
        sector_id: cluster.sectorId,
        keyword_cluster_id: cluster.id,
        status: 'new',
      }),
    );
    if (keywordIds.length > 0) {
      await sql.query`
        INSERT INTO ${sql.insertInto(ContentIdeaKeyword)} (content_idea_id, keyword_id)
        SELECT ${saved.id}::bigint, unnest(${keywordIds}::bigint[]) ON CONFLICT DO NOTHING`;
    }
    ideaIds.push(saved.id);
  }
  const c = sql.table(Cluster, 'c');
  await sql.query`
    UPDATE ${c} SET status = 'mapped', updated_at = now()
     WHERE ${c.scope} AND c.id = ${cluster.id} AND c.status <> 'mapped'
       AND c.status = ANY(${CLUSTER_STATUS.sources('mapped')}::text[])`;
  return ideaIds;
}

/** The idea's content was generated: the idea is `completed`. */
export async function completeIdea(manager: EntityManager, ideaId: number): Promise<void> {
  const sql = tenantSql(manager);
  const i = sql.table(ContentIdea, 'i');
  await sql.query`
    UPDATE ${i} SET status = 'completed', updated_at = now()
     WHERE ${i.scope} AND i.id = ${ideaId} AND i.status = ANY(${IDEA_STATUS.sources('completed')}::text[])`;
}
