import type { EntityManager } from 'typeorm';
import { lockClusters, refreshClusters } from './cluster-aggregates.js';
import { Cluster } from './entities/cluster.entity.js';
import { ContentIdea } from './entities/content-idea.entity.js';
import { CLUSTER_STATUS, IDEA_STATUS, KEYWORD_STATUS } from './state-machines.js';

/*
 * The planner rows other modules create or move (AI clustering, idea and content generation), each
 * inside the caller's transaction: they pass their EntityManager. Status changes touch only rows
 * the planner's state machines let reach the new status.
 */

export interface ClusterPlace {
  accountId: number;
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
  const [existing] = await manager.query<{ id: number }[]>(
    `SELECT id FROM igny8_clusters
      WHERE sector_id = $1 AND lower(name) = lower($2) AND deleted_at IS NULL AND account_id = $3 LIMIT 1`,
    [place.sectorId, name, place.accountId],
  );
  if (existing) return { id: Number(existing.id), isNew: false };
  const repository = manager.getRepository(Cluster);
  const cluster = await repository.save(
    repository.create({ site_id: place.siteId, sector_id: place.sectorId, name, description, status: 'new' }),
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
  const previous = await manager.query<{ cluster_id: number }[]>(
    'SELECT DISTINCT cluster_id FROM igny8_keywords WHERE id = ANY($1::bigint[]) AND cluster_id IS NOT NULL',
    [keywordIds],
  );
  const touched = [
    ...previous.map((row) => Number(row.cluster_id)),
    ...assignments.map((assignment) => assignment.clusterId),
  ];
  await lockClusters(manager, touched);
  for (const assignment of assignments) {
    await manager.query(
      `UPDATE igny8_keywords SET cluster_id = $2, status = 'mapped', updated_at = now()
        WHERE id = ANY($1::bigint[]) AND status = ANY($3::text[])`,
      [assignment.keywordIds, assignment.clusterId, KEYWORD_STATUS.sources('mapped')],
    );
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
  const repository = manager.getRepository(ContentIdea);
  const ideaIds: number[] = [];
  for (const { keywordIds, ...idea } of ideas) {
    const saved = await repository.save(
      repository.create({
        ...idea,
        site_id: cluster.siteId,
        sector_id: cluster.sectorId,
        keyword_cluster_id: cluster.id,
        status: 'new',
      }),
    );
    if (keywordIds.length > 0) {
      await manager.query(
        `INSERT INTO igny8_content_ideas_keyword_objects (content_idea_id, keyword_id)
         SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
        [saved.id, keywordIds],
      );
    }
    ideaIds.push(saved.id);
  }
  await manager.query(
    `UPDATE igny8_clusters SET status = 'mapped', updated_at = now()
      WHERE id = $1 AND status <> 'mapped' AND status = ANY($2::text[])`,
    [cluster.id, CLUSTER_STATUS.sources('mapped')],
  );
  return ideaIds;
}

/** The idea's content was generated: the idea is `completed`. */
export async function completeIdea(manager: EntityManager, ideaId: number): Promise<void> {
  await manager.query(
    `UPDATE igny8_content_ideas SET status = 'completed', updated_at = now()
      WHERE id = $1 AND status = ANY($2::text[])`,
    [ideaId, IDEA_STATUS.sources('completed')],
  );
}
