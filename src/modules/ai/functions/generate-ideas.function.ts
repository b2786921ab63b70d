import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ScopedRepositories, type ScopedRepository } from '../../../common/tenancy/scoped-repository.js';
import { Cluster } from '../../planner/entities/cluster.entity.js';
import { saveGeneratedIdeas } from '../../planner/planner-writes.js';
import {
  CONTENT_STRUCTURES,
  CONTENT_TYPES,
  type ContentStructure,
  type ContentType,
} from '../../planner/entities/content-kinds.js';
import {
  type ActionInput,
  type ActionPlan,
  type AiFunction,
  ParseError,
  parseJsonObject,
  type ProviderAnswer,
  type ProviderCall,
  type ResultPatch,
  type TaskRun,
  type WorkItem,
} from '../engine/ai-function.js';
import { AiFunctionKit, text, texts } from '../engine/kit.js';

interface ClusterItem extends WorkItem {
  sectorId: number;
  name: string;
  description: string;
  keywords: { id: number; keyword: string }[];
}

interface ParsedIdea {
  title: string;
  description: string;
  content_type: ContentType;
  content_structure: ContentStructure;
  estimated_word_count: number;
  covered_keywords: string[];
  outline: { heading: string; points: string[] }[];
}

function oneOf<T extends string>(values: readonly T[], value: unknown, fallback: T): T {
  return values.includes(value as T) ? (value as T) : fallback;
}

/**
 * `generate_ideas` (docs/domain-model.md#ai-engine): `ideas_per_cluster` ideas per cluster, one provider call
 * per cluster.
 */
@Injectable()
export class GenerateIdeasFunction implements AiFunction<ClusterItem, ParsedIdea[]> {
  readonly name = 'generate_ideas';
  readonly operation = 'idea_generation';
  readonly modelType = 'text';
  private readonly clusters: ScopedRepository<Cluster>;

  constructor(
    repos: ScopedRepositories,
    private readonly kit: AiFunctionKit,
  ) {
    this.clusters = repos.for(Cluster, 'cl');
  }

  emptyResult = (): ResultPatch => ({ clusters_processed: 0, ideas_created: 0, idea_ids: [], errors: [] });

  validate({ ids }: ActionInput): Promise<ActionPlan> {
    return this.kit.plan(this.clusters, ids);
  }

  async load(run: TaskRun): Promise<ClusterItem[]> {
    const clusters = await this.kit.taskRows(this.clusters, run);
    const keywords = await this.clusters
      .query()
      .innerJoin('igny8_keywords', 'k', 'k.cluster_id = cl.id AND k.deleted_at IS NULL')
      .innerJoin('igny8_seed_keywords', 's', 's.id = k.seed_keyword_id')
      .select(['cl.id AS cluster_id', 'k.id AS id', 's.keyword AS keyword'])
      .andWhere('cl.id IN (:...ids)', { ids: clusters.length > 0 ? clusters.map((c) => c.id) : [0] })
      .orderBy('k.id')
      .getRawMany<{ cluster_id: number; id: number; keyword: string }>();
    return clusters.map((cluster) => {
      const own = keywords
        .filter((k) => Number(k.cluster_id) === Number(cluster.id))
        .map((k) => ({ id: Number(k.id), keyword: k.keyword }));
      const ineligible = cluster.disabled
        ? 'This cluster is disabled.'
        : own.length === 0
          ? 'This cluster has no keywords.'
          : null;
      return {
        type: 'cluster',
        id: Number(cluster.id),
        units: 1,
        ineligible,
        sectorId: Number(cluster.sector_id),
        name: cluster.name,
        description: cluster.description,
        keywords: own,
      };
    });
  }

  alreadySaved(manager: EntityManager, item: ClusterItem, run: TaskRun): Promise<boolean> {
    return this.kit.usageLogged(manager, item, run);
  }

  buildCall(item: ClusterItem, run: TaskRun): Promise<ProviderCall> {
    const count = run.settings.ideas_per_cluster;
    const keywords = item.keywords.map((k) => k.keyword);
    return this.kit.textCall(
      'generate_ideas',
      { cluster: { id: item.id, name: item.name, description: item.description }, keywords, count },
      'ideas',
      {
        IDEA_COUNT: String(count),
        CLUSTER_NAME: item.name,
        CLUSTER_DESCRIPTION: item.description,
        KEYWORDS: keywords.map((k) => `- ${k}`).join('\n'),
      },
      run,
      { sectorId: item.sectorId },
    );
  }

  async parse(answer: ProviderAnswer, _item: ClusterItem, run: TaskRun): Promise<ParsedIdea[]> {
    const json = parseJsonObject(answer.text);
    if (!Array.isArray(json.ideas)) throw new ParseError('The answer has no "ideas" list.');
    const ideas = json.ideas
      .filter((idea): idea is Record<string, unknown> => !!idea && typeof idea === 'object')
      .map((idea) => ({
        title: text(idea.title, 255),
        description: text(idea.description),
        content_type: oneOf(CONTENT_TYPES, idea.content_type, 'post'),
        content_structure: oneOf(CONTENT_STRUCTURES, idea.content_structure, 'article'),
        estimated_word_count: Math.min(
          10_000,
          Math.max(100, Math.round(Number(idea.estimated_word_count) || 1000)),
        ),
        covered_keywords: texts(idea.covered_keywords),
        outline: (Array.isArray(idea.outline) ? idea.outline : [])
          .filter((s): s is Record<string, unknown> => !!s && typeof s === 'object')
          .map((section) => ({ heading: text(section.heading), points: texts(section.points) }))
          .filter((section) => section.heading !== ''),
      }))
      .filter((idea) => idea.title !== '')
      .slice(0, run.settings.ideas_per_cluster);
    if (ideas.length === 0) throw new ParseError('The answer has no idea with a title.');
    return ideas;
  }

  async save(
    manager: EntityManager,
    item: ClusterItem,
    ideas: ParsedIdea[],
    run: TaskRun,
  ): Promise<ResultPatch> {
    const byText = new Map(item.keywords.map((k) => [k.keyword.toLowerCase(), k.id]));
    const ideaIds = await saveGeneratedIdeas(
      manager,
      { id: item.id, siteId: run.siteId, sectorId: item.sectorId },
      ideas.map((idea) => ({
        idea_title: idea.title,
        description: idea.description,
        target_keywords: idea.covered_keywords.join(', ').slice(0, 1000),
        content_type: idea.content_type,
        content_structure: idea.content_structure,
        estimated_word_count: idea.estimated_word_count,
        outline: idea.outline,
        keywordIds: [
          ...new Set(
            idea.covered_keywords.map((k) => byText.get(k.toLowerCase())).filter((id) => id !== undefined),
          ),
        ],
      })),
    );
    return { clusters_processed: 1, ideas_created: ideaIds.length, idea_ids: ideaIds };
  }
}
