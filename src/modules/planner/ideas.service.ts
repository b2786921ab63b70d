import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { defineList, filter } from '../../common/list/index.js';
import { ResourceDeps } from '../../common/tenancy/scoped-resource.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { SeedKeyword } from '../catalogue/entities/seed-keyword.entity.js';
import { REQUIRED } from '../../common/http/field-rule.js';
import { CONTENT_STRUCTURES, CONTENT_TYPES } from './entities/content-kinds.js';
import type { CreateIdeaDto, IdeaBulkUpdateDto, UpdateIdeaDto } from './dto/ideas.dto.js';
import { Cluster } from './entities/cluster.entity.js';
import { ContentIdeaKeyword } from './entities/content-idea-keyword.entity.js';
import { ContentIdea, IDEA_STATUSES } from './entities/content-idea.entity.js';
import { Keyword } from './entities/keyword.entity.js';
import { clusterFilter, PlannerRefs, sectorFilter } from './planner-resource.js';
import { IDEA_FIELDS, type IdeaView, presentIdeas } from './presenters.js';
import { CLUSTER_STATUS, IDEA_STATUS } from './state-machines.js';
import { WRITER_TASK } from './writer-tables.js';
import { SiteSectorResource } from '../sites/site-sector-resource.js';

export const IDEAS_LIST = defineList({
  filters: {
    site_id: filter.relation('i.site_id'),
    sector_id: sectorFilter('i'),
    status: filter.enum('i.status', IDEA_STATUSES, 'All Statuses'),
    keyword_cluster_id: clusterFilter('i.keyword_cluster_id'),
    content_type: filter.enum('i.content_type', CONTENT_TYPES, 'All Types'),
    content_structure: filter.enum('i.content_structure', CONTENT_STRUCTURES, 'All Structures'),
    disabled: filter.boolean('i.disabled'),
    is_priority: filter.boolean('i.is_priority'),
    ids: filter.ids('i.id'),
  },
  search: ['i.idea_title', 'i.description'],
  ordering: {
    fields: {
      idea_title: 'i.idea_title',
      status: 'i.status',
      estimated_word_count: 'i.estimated_word_count',
      created_at: 'i.created_at',
    },
    default: '-created_at',
  },
});

type QueueSkipReason = 'not_new' | 'no_cluster' | 'disabled';

export interface QueueResult {
  created_count: number;
  task_ids: number[];
  skipped: { idea_id: number; reason: QueueSkipReason }[];
}

/**
 * States from which the first idea of a cluster maps it (`new → mapped`,
 * docs/domain-model.md#state-machines).
 */
const MAPPABLE = CLUSTER_STATUS.states.filter(
  (state) => state !== 'mapped' && CLUSTER_STATUS.canTransition(state, 'mapped'),
);

/**
 * `planner/ideas/` (docs/domain-model.md#planner): ideas with their keywords (join table), the cluster
 * they map, and `bulk_queue_to_writer`, which creates one writer task per idea (docs/domain-model.md#writer).
 */
@Injectable()
export class IdeasService extends SiteSectorResource<ContentIdea, IdeaView> {
  constructor(
    deps: ResourceDeps,
    private readonly refs: PlannerRefs,
  ) {
    super(deps, {
      entity: ContentIdea,
      table: 'igny8_content_ideas',
      alias: 'i',
      list: IDEAS_LIST,
      present: (rows) => presentIdeas(deps.dataSource.manager, rows),
      listColumns: IDEA_FIELDS,
    });
  }

  async create(body: CreateIdeaDto): Promise<IdeaView> {
    const { site, sector } = await this.refs.placement(body.site_id, body.sector_id);
    const place = { site_id: site.id, sector_id: sector.id };
    const cluster =
      body.keyword_cluster_id == null
        ? null
        : await this.refs.cluster('keyword_cluster_id', body.keyword_cluster_id, place);
    const keywordIds = await this.refs.keywordIds('keyword_ids', body.keyword_ids ?? [], place);
    const id = await this.transaction(async (tx) => {
      const idea = tx.create(ContentIdea, {
        ...place,
        idea_title: body.idea_title.trim(),
        keyword_cluster_id: cluster?.id ?? null,
        status: 'new',
        ...this.values(body),
      });
      const saved = await this.save(tx, idea);
      await this.linkKeywords(tx, saved.id, keywordIds);
      if (cluster) await this.mapCluster(tx, cluster.id);
      return saved.id;
    });
    return this.get(id);
  }

  async update(id: number, body: UpdateIdeaDto, { partial }: { partial: boolean }): Promise<IdeaView> {
    if (!partial && body.idea_title === undefined) throw ApiError.field('idea_title', REQUIRED);
    const idea = await this.find(id);
    const cluster =
      body.keyword_cluster_id == null
        ? null
        : await this.refs.cluster('keyword_cluster_id', body.keyword_cluster_id, idea);
    const keywordIds =
      body.keyword_ids === undefined
        ? undefined
        : await this.refs.keywordIds('keyword_ids', body.keyword_ids, idea);
    if (body.status !== undefined)
      IDEA_STATUS.assertTransition(idea.status, body.status, { allowUnchanged: true });
    await this.transaction(async (tx) => {
      const clusterBefore = idea.keyword_cluster_id === null ? null : Number(idea.keyword_cluster_id);
      if (body.idea_title !== undefined) idea.idea_title = body.idea_title.trim();
      if (body.keyword_cluster_id !== undefined) idea.keyword_cluster_id = cluster?.id ?? null;
      if (body.status !== undefined) idea.status = body.status;
      Object.assign(idea, this.values(body, false));
      await this.save(tx, idea);
      if (keywordIds !== undefined) await this.linkKeywords(tx, id, keywordIds, true);
      if (cluster && cluster.id !== clusterBefore) await this.mapCluster(tx, cluster.id);
    });
    return this.get(id);
  }

  bulkUpdate(body: IdeaBulkUpdateDto): Promise<{ updated_count: number }> {
    return this.bulkUpdateRows(
      body.ids,
      { status: body.status, disabled: body.disabled, is_priority: body.is_priority },
      IDEA_STATUS,
    );
  }

  /**
   * `bulk_queue_to_writer`: one task per `new`, enabled idea with a live cluster
   * (docs/domain-model.md#writer), and the idea becomes `queued` — in one transaction, with the ideas locked
   * so a concurrent call cannot queue them twice. Ids the caller cannot see are ignored; the others are
   * reported when skipped.
   */
  queueToWriter(ids: readonly number[]): Promise<QueueResult> {
    return this.transaction(async (tx) => {
      const sql = tenantSql(tx);
      const ideas = new Map((await this.lockVisible(tx, ids)).map((idea) => [Number(idea.id), idea]));
      const clusters = sql.table(Cluster, 'c');
      const clusterIds = [...ideas.values()].map((idea) => idea.keyword_cluster_id).filter((c) => c !== null);
      const liveClusters = new Set(
        clusterIds.length === 0
          ? []
          : (
              await sql.query<{ id: number }[]>`
                SELECT c.id FROM ${clusters}
                 WHERE ${clusters.scope} AND c.id = ANY(${clusterIds}::bigint[]) AND c.deleted_at IS NULL`
            ).map((row) => Number(row.id)),
      );
      const skipped: QueueResult['skipped'] = [];
      const eligible: number[] = [];
      for (const id of new Set(ids)) {
        const idea = ideas.get(id);
        if (!idea) continue;
        if (idea.status !== 'new') skipped.push({ idea_id: id, reason: 'not_new' });
        else if (idea.disabled) skipped.push({ idea_id: id, reason: 'disabled' });
        else if (idea.keyword_cluster_id === null || !liveClusters.has(Number(idea.keyword_cluster_id))) {
          skipped.push({ idea_id: id, reason: 'no_cluster' });
        } else eligible.push(id);
      }
      if (eligible.length === 0) return { created_count: 0, task_ids: [], skipped };
      const i = sql.table(ContentIdea, 'i');
      const j = sql.table(ContentIdeaKeyword, 'j');
      const k = sql.table(Keyword, 'k');
      const s = sql.global(SeedKeyword, 's');
      const tasks = await sql.query<{ id: number; idea_id: number }[]>`
        INSERT INTO ${sql.insertInto(WRITER_TASK)}
          (account_id, created_by, site_id, sector_id, title, description, cluster_id, idea_id,
           content_type, content_structure, keywords, word_count, status)
        SELECT i.account_id, ${this.deps.context.principal?.userId ?? null}::bigint, i.site_id, i.sector_id,
               i.idea_title, CASE WHEN i.description = '' THEN i.brief ELSE i.description END,
               i.keyword_cluster_id, i.id, i.content_type, i.content_structure,
               COALESCE((SELECT string_agg(s.keyword, ', ' ORDER BY k.id)
                           FROM ${j}
                           JOIN ${k} ON k.id = j.keyword_id AND k.deleted_at IS NULL AND ${k.scope}
                           JOIN ${s} ON s.id = k.seed_keyword_id
                          WHERE ${j.scope} AND j.content_idea_id = i.id), i.target_keywords),
               i.estimated_word_count, 'queued'
          FROM ${i}
         WHERE ${i.scope} AND i.id = ANY(${eligible}::bigint[])
         ORDER BY array_position(${eligible}::bigint[], i.id)
        RETURNING id, idea_id`;
      await sql.query`
        UPDATE ${i} SET status = 'queued', updated_at = now()
         WHERE ${i.scope} AND i.id = ANY(${eligible}::bigint[])`;
      const taskOf = new Map(tasks.map((task) => [Number(task.idea_id), Number(task.id)]));
      const taskIds = eligible.map((id) => taskOf.get(id)!);
      return { created_count: taskIds.length, task_ids: taskIds, skipped };
    });
  }

  /** The optional fields of create/update, with create defaults (`defaults = false`: only those given). */
  private values(body: CreateIdeaDto | UpdateIdeaDto, defaults = true): Partial<ContentIdea> {
    const given: Partial<ContentIdea> = {
      description: body.description,
      target_keywords: body.target_keywords,
      estimated_word_count: body.estimated_word_count,
      content_type: body.content_type,
      content_structure: body.content_structure,
      outline: body.outline,
      brief: body.brief,
      audience: body.audience,
      tone: body.tone,
      call_to_action: body.call_to_action,
      language: body.language,
      is_priority: body.is_priority,
      disabled: body.disabled,
    };
    const present = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
    if (!defaults) return present;
    return {
      description: '',
      target_keywords: '',
      estimated_word_count: 1000,
      content_type: 'post',
      content_structure: 'article',
      outline: null,
      brief: '',
      audience: '',
      tone: '',
      call_to_action: '',
      language: 'en',
      is_priority: false,
      disabled: false,
      ...present,
    };
  }

  /** Links the idea to these keywords (replacing its list when `replace`). */
  private async linkKeywords(
    manager: EntityManager,
    ideaId: number,
    keywordIds: number[],
    replace = false,
  ): Promise<void> {
    const sql = tenantSql(manager);
    if (replace) {
      const j = sql.table(ContentIdeaKeyword, 'j');
      await sql.query`
        DELETE FROM ${j}
         WHERE ${j.scope} AND j.content_idea_id = ${ideaId} AND j.keyword_id <> ALL(${keywordIds}::bigint[])`;
    }
    if (keywordIds.length === 0) return;
    await sql.query`
      INSERT INTO ${sql.insertInto(ContentIdeaKeyword)} (content_idea_id, keyword_id)
      SELECT ${ideaId}::bigint, unnest(${keywordIds}::bigint[]) ON CONFLICT DO NOTHING`;
  }

  /** An idea exists for the cluster: it becomes `mapped` (docs/domain-model.md#state-machines). */
  private async mapCluster(manager: EntityManager, clusterId: number): Promise<void> {
    const sql = tenantSql(manager);
    const c = sql.table(Cluster, 'c');
    await sql.query`
      UPDATE ${c} SET status = 'mapped', updated_at = now()
       WHERE ${c.scope} AND c.id = ${clusterId} AND c.deleted_at IS NULL AND c.status = ANY(${MAPPABLE}::text[])`;
  }
}
