import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../../../common/http/error-codes.js';
import {
  invalidReference,
  ScopedRepositories,
  type ScopedRepository,
} from '../../../common/tenancy/scoped-repository.js';
import { Sector } from '../../identity/entities/sector.entity.js';
import { Keyword } from '../../planner/entities/keyword.entity.js';
import { assignKeywordsToClusters, findOrCreateCluster } from '../../planner/planner-writes.js';
import {
  type ActionInput,
  type ActionPlan,
  type AiFunction,
  type ItemError,
  ParseError,
  parseJsonObject,
  type ProviderAnswer,
  type ProviderCall,
  type ResultPatch,
  type TaskRun,
  type WorkItem,
} from '../engine/ai-function.js';
import { AiFunctionKit, text, texts } from '../engine/kit.js';
import type { TextOutputs } from '../providers/ai-provider.js';

/** Keywords per provider call; chunks are formed by sector and id, so a retried job forms the same ones. */
export const CLUSTER_CHUNK_SIZE = 20;

interface KeywordText {
  id: number;
  keyword: string;
}

interface Chunk extends WorkItem {
  sectorId: number;
  keywords: KeywordText[];
}

type ParsedClusters = TextOutputs['auto_cluster'];

/**
 * `auto_cluster` (docs/domain-model.md#ai-engine): keywords of one site, per sector, in chunks of 20 — one
 * provider call per chunk; clusters are created or reused by name in the sector and the matched
 * keywords mapped to them.
 */
@Injectable()
export class AutoClusterFunction implements AiFunction<Chunk, ParsedClusters> {
  readonly name = 'auto_cluster';
  readonly operation = 'clustering';
  readonly modelType = 'text';
  private readonly keywords: ScopedRepository<Keyword>;
  private readonly sectors: ScopedRepository<Sector>;

  constructor(
    repos: ScopedRepositories,
    private readonly kit: AiFunctionKit,
  ) {
    this.keywords = repos.for(Keyword, 'k');
    this.sectors = repos.for(Sector, 'x');
  }

  emptyResult = (): ResultPatch => ({
    clusters_created: 0,
    clusters_reused: 0,
    keywords_mapped: 0,
    keywords_unmatched: 0,
    cluster_ids: [],
    errors: [],
  });

  async validate({ ids, sector_id }: ActionInput): Promise<ActionPlan> {
    const rows = await this.kit.visibleOnOneSite(this.keywords, ids);
    let selected = rows;
    if (sector_id !== undefined) {
      const sector = await this.sectors.findVisible(sector_id);
      if (!sector || Number(sector.site_id) !== Number(rows[0].site_id)) {
        throw ApiError.field('sector_id', invalidReference(sector_id));
      }
      selected = rows.filter((row) => Number(row.sector_id) === sector_id);
    }
    const perSector = new Map<number, number>();
    for (const row of selected) perSector.set(row.sector_id, (perSector.get(row.sector_id) ?? 0) + 1);
    const calls = [...perSector.values()].reduce((sum, n) => sum + Math.ceil(n / CLUSTER_CHUNK_SIZE), 0);
    return { siteId: Number(rows[0].site_id), units: Array.from({ length: calls }, () => 1) };
  }

  async load(run: TaskRun): Promise<Chunk[]> {
    const qb = this.keywords
      .query()
      .innerJoin('igny8_seed_keywords', 's', 's.id = k.seed_keyword_id')
      .select(['k.id AS id', 'k.sector_id AS sector_id', 'k.disabled AS disabled', 's.keyword AS keyword'])
      .andWhere('k.id IN (:...ids) AND k.site_id = :site', { ids: run.payload.ids, site: run.siteId })
      .orderBy('k.sector_id')
      .addOrderBy('k.id');
    if (run.payload.sector_id !== undefined)
      qb.andWhere('k.sector_id = :sector', { sector: run.payload.sector_id });
    const rows = await qb.getRawMany<{ id: number; sector_id: number; disabled: boolean; keyword: string }>();
    const items: Chunk[] = [];
    const bySector = new Map<number, KeywordText[]>();
    for (const row of rows) {
      if (row.disabled) {
        items.push({
          type: 'keyword',
          id: Number(row.id),
          units: 1,
          ineligible: 'This keyword is disabled.',
          sectorId: Number(row.sector_id),
          keywords: [],
        });
        continue;
      }
      const list = bySector.get(Number(row.sector_id)) ?? [];
      list.push({ id: Number(row.id), keyword: row.keyword });
      bySector.set(Number(row.sector_id), list);
    }
    for (const [sectorId, keywords] of bySector) {
      for (let start = 0; start < keywords.length; start += CLUSTER_CHUNK_SIZE) {
        const chunk = keywords.slice(start, start + CLUSTER_CHUNK_SIZE);
        items.push({
          type: 'keyword',
          id: chunk[0].id,
          units: 1,
          ineligible: null,
          sectorId,
          keywords: chunk,
        });
      }
    }
    return items;
  }

  alreadySaved(manager: EntityManager, item: Chunk, run: TaskRun): Promise<boolean> {
    return this.kit.usageLogged(manager, item, run);
  }

  buildCall(item: Chunk, run: TaskRun): Promise<ProviderCall> {
    const list = item.keywords.map((k) => `- ${k.keyword}`).join('\n');
    return this.kit.textCall(
      'auto_cluster',
      { keywords: item.keywords },
      'clustering',
      { KEYWORDS: list },
      run,
      {
        sectorId: item.sectorId,
      },
    );
  }

  async parse(answer: ProviderAnswer): Promise<ParsedClusters> {
    const json = parseJsonObject(answer.text);
    if (!Array.isArray(json.clusters)) throw new ParseError('The answer has no "clusters" list.');
    const clusters = json.clusters
      .filter((c): c is Record<string, unknown> => !!c && typeof c === 'object')
      .map((c) => ({
        name: text(c.name, 255),
        description: text(c.description),
        keywords: texts(c.keywords),
      }))
      .filter((c) => c.name !== '' && c.keywords.length > 0);
    if (clusters.length === 0 && json.clusters.length > 0)
      throw new ParseError('The clusters of the answer have no name or keywords.');
    return { clusters };
  }

  async save(
    manager: EntityManager,
    item: Chunk,
    parsed: ParsedClusters,
    run: TaskRun,
  ): Promise<ResultPatch> {
    const byText = new Map(item.keywords.map((k) => [k.keyword.toLowerCase(), k.id]));
    const assignments: { clusterName: string; description: string; keywordIds: number[] }[] = [];
    for (const cluster of parsed.clusters) {
      const ids: number[] = [];
      for (const keyword of cluster.keywords) {
        const id = byText.get(keyword.toLowerCase());
        if (id === undefined) continue;
        byText.delete(keyword.toLowerCase());
        ids.push(id);
      }
      if (ids.length > 0)
        assignments.push({ clusterName: cluster.name, description: cluster.description, keywordIds: ids });
    }
    const mappedIds = assignments.flatMap((a) => a.keywordIds);
    const place = { siteId: run.siteId, sectorId: item.sectorId };
    const clusterIds: number[] = [];
    let created = 0;
    for (const assignment of assignments) {
      const { id, isNew } = await findOrCreateCluster(
        manager,
        place,
        assignment.clusterName,
        assignment.description,
      );
      if (isNew) created += 1;
      clusterIds.push(id);
    }
    await assignKeywordsToClusters(
      manager,
      assignments.map((assignment, index) => ({
        clusterId: clusterIds[index],
        keywordIds: assignment.keywordIds,
      })),
    );
    const distinct = [...new Set(clusterIds)];
    return {
      clusters_created: created,
      clusters_reused: distinct.length - created,
      keywords_mapped: mappedIds.length,
      keywords_unmatched: item.keywords.length - mappedIds.length,
      cluster_ids: distinct,
    };
  }

  errorsOf(item: Chunk, error: string, code: string): ItemError[] {
    if (item.keywords.length === 0) return [{ item_type: 'keyword', item_id: item.id, error, code }];
    return item.keywords.map((k) => ({ item_type: 'keyword', item_id: k.id, error, code }));
  }
}
