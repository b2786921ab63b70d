import { Injectable } from '@nestjs/common';
import { ApiError } from '../../common/http/error-codes.js';
import type { Paginated } from '../../common/http/responses.js';
import { defineList, filter, ListService, type RawQuery } from '../../common/list/index.js';
import type { PageRequest } from '../../common/list/paginate.js';
import { ScopedRepositories, type ScopedRepository } from '../../common/tenancy/scoped-repository.js';
import { invalidReference } from '../../common/tenancy/scoped-repository.js';
import { AiActionsService } from '../ai/ai-actions.service.js';
import { Site } from '../identity/entities/site.entity.js';
import { Content } from '../writer/entities/content.entity.js';
import {
  type EntryPoint,
  OPTIMIZATION_STATUSES,
  OptimizationTask,
} from './entities/optimization-task.entity.js';
import type { OptimizeOptions } from './optimize-content.function.js';
import { analyseContent, hostOf, type SeoCriteria } from './seo-analysis.js';

export const JOBS_LIST = defineList({
  filters: {
    site_id: filter.relation('o.site_id'),
    content_id: filter.relation('o.content_id'),
    status: filter.enum('o.status', OPTIMIZATION_STATUSES),
  },
  ordering: { fields: { created_at: 'o.created_at', id: 'o.id' }, default: '-created_at' },
});

export type OptimizationJobView = Omit<
  OptimizationTask,
  | 'account_id'
  | 'created_by'
  | 'account'
  | 'created_by_user'
  | 'site'
  | 'sector'
  | 'content'
  | 'html_before'
  | 'html_after'
>;

export type OptimizationJobDetail = OptimizationJobView &
  Pick<OptimizationTask, 'html_before' | 'html_after'>;

function presentJob(job: OptimizationTask): OptimizationJobView {
  return {
    id: Number(job.id),
    site_id: Number(job.site_id),
    sector_id: Number(job.sector_id),
    content_id: Number(job.content_id),
    entry_point: job.entry_point,
    status: job.status,
    task_id: job.task_id,
    scores_before: job.scores_before,
    scores_after: job.scores_after,
    credits_used: job.credits_used,
    error_message: job.error_message,
    created_at: job.created_at,
    updated_at: job.updated_at,
  };
}

/** `optimizer/`: the local analysis, and optimisation jobs (docs/optimizer.md). */
@Injectable()
export class OptimizerService {
  private readonly content: ScopedRepository<Content>;
  private readonly jobs: ScopedRepository<OptimizationTask>;
  private readonly sites: ScopedRepository<Site>;

  constructor(
    repos: ScopedRepositories,
    private readonly lists: ListService,
    private readonly actions: AiActionsService,
  ) {
    this.content = repos.for(Content, 'c');
    this.jobs = repos.for(OptimizationTask, 'o');
    this.sites = repos.for(Site, 's');
  }

  /** The analysis of a visible content item (400 on `content_id` otherwise). */
  async analyze(contentId: number): Promise<{ content_id: number; scores: object; criteria: SeoCriteria }> {
    const content = await this.content.findVisible(contentId);
    if (!content) throw ApiError.field('content_id', invalidReference(contentId));
    const site = await this.sites.query().andWhere('s.id = :id', { id: content.site_id }).getOne();
    const { scores, criteria } = analyseContent(content, hostOf(site?.domain ?? null));
    return { content_id: Number(content.id), scores, criteria };
  }

  start(contentId: number, entryPoint: EntryPoint, origin: string) {
    const options: OptimizeOptions = { entry_point: entryPoint };
    return this.actions.start(
      'optimize_content',
      { ids: [contentId], field: 'content_id', options: { ...options } },
      origin,
    ) as Promise<{ task_id: string; job_id: number }>;
  }

  list(raw: RawQuery, request: PageRequest): Promise<Paginated<OptimizationJobView>> {
    return this.lists.list(this.jobs.query(), JOBS_LIST, raw, request, async (qb) =>
      (await qb.getMany()).map(presentJob),
    );
  }

  async get(id: number): Promise<OptimizationJobDetail> {
    const job = await this.jobs.getVisible(id);
    return { ...presentJob(job), html_before: job.html_before, html_after: job.html_after };
  }
}
