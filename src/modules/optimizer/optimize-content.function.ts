import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { ScopedRepositories, type ScopedRepository } from '../../common/tenancy/scoped-repository.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import {
  type ActionInput,
  type ActionPlan,
  type AiFunction,
  type ItemError,
  ParseError,
  parseJsonObject,
  type ProviderAnswer,
  type ProviderCall,
  type QueuedTask,
  type ResultPatch,
  type TaskRefusal,
  type TaskRun,
  type WorkItem,
} from '../ai/engine/ai-function.js';
import { AiFunctionRegistry } from '../ai/engine/ai-function.registry.js';
import { AiFunctionKit, text } from '../ai/engine/kit.js';
import type { AiTaskLog } from '../ai/entities/ai-task-log.entity.js';
import type { TextOutputs } from '../ai/providers/ai-provider.js';
import { Site } from '../identity/entities/site.entity.js';
import { ModuleSettingsService } from '../module-settings/module-settings.service.js';
import { Content } from '../writer/entities/content.entity.js';
import { saveOptimizedContent } from '../writer/writer-writes.js';
import { type EntryPoint, OptimizationTask } from './entities/optimization-task.entity.js';
import { analyseContent, hostOf } from './seo-analysis.js';

const NO_BODY = 'This content has no HTML body to optimise.';

interface ContentItem extends WorkItem {
  content: Content;
  job: OptimizationTask;
  siteHost: string | null;
}

type Optimized = TextOutputs['optimize_content'];

/** The options `optimizer/jobs/` stores in the task's payload. */
export interface OptimizeOptions {
  entry_point: EntryPoint;
}

/**
 * `optimize_content` (docs/optimizer.md): one content item rewritten by one provider call for its primary
 * keyword. The job (`igny8_optimization_tasks`) is created with the task; it keeps the body and the local
 * analysis scores before and after, and the credits charged.
 */
@Injectable()
export class OptimizeContentFunction implements AiFunction<ContentItem, Optimized>, OnModuleInit {
  readonly name = 'optimize_content';
  readonly operation = 'optimization';
  readonly modelType = 'text';
  private readonly content: ScopedRepository<Content>;
  private readonly jobs: ScopedRepository<OptimizationTask>;
  private readonly sites: ScopedRepository<Site>;

  constructor(
    repos: ScopedRepositories,
    private readonly kit: AiFunctionKit,
    private readonly registry: AiFunctionRegistry,
    private readonly modules: ModuleSettingsService,
    private readonly dataSource: DataSource,
  ) {
    this.content = repos.for(Content, 'c');
    this.jobs = repos.for(OptimizationTask, 'o');
    this.sites = repos.for(Site, 's');
  }

  onModuleInit(): void {
    this.registry.register(this);
  }

  emptyResult = (): ResultPatch => ({});

  /** Entry: the content is visible (else 400 on `content_id`) and has a body to optimise. */
  async validate({ ids, field = 'content_id' }: ActionInput): Promise<ActionPlan> {
    const [content] = await this.kit.visibleOnOneSite(this.content, ids, field);
    if (content.content_html.trim() === '') throw ApiError.field(field, NO_BODY);
    return { siteId: Number(content.site_id), units: [1] };
  }

  async queued(manager: EntityManager, task: QueuedTask, input: ActionInput): Promise<{ job_id: number }> {
    const content = await this.content
      .query({}, manager)
      .andWhere('c.id = :id', { id: input.ids[0] })
      .getOneOrFail();
    const options = input.options as unknown as OptimizeOptions;
    const job = await manager.save(
      manager.create(OptimizationTask, {
        site_id: content.site_id,
        sector_id: content.sector_id,
        content_id: content.id,
        entry_point: options.entry_point,
        status: 'pending',
        task_id: task.task_id,
      }),
    );
    return { job_id: Number(job.id) };
  }

  /** The optimizer may have been switched off since the request: the task then ends `module_disabled`. */
  refusal(run: TaskRun): Promise<TaskRefusal | null> {
    return this.modules.refusal(run.accountId, 'optimizer');
  }

  async load(run: TaskRun): Promise<ContentItem[]> {
    const [contents, job, site] = await Promise.all([
      this.kit.taskRows(this.content, run),
      this.jobs.query().andWhere('o.task_id = :taskId', { taskId: run.log.task_id }).getOne(),
      this.sites.query().andWhere('s.id = :id', { id: run.siteId }).getOne(),
    ]);
    if (!job) return [];
    if (contents.length === 0 || contents.some((content) => content.content_html.trim() === '')) {
      // Deleted or emptied since the request: nothing will run, the job ends here.
      await this.dataSource.transaction((manager) =>
        this.failJob(manager, run.log.task_id, 'The content was deleted or emptied before the job ran.'),
      );
    }
    return contents.map((content) => ({
      type: 'content',
      id: Number(content.id),
      units: 1,
      ineligible: content.content_html.trim() === '' ? NO_BODY : null,
      content,
      job,
      siteHost: hostOf(site?.domain ?? null),
    }));
  }

  initialResult(items: ContentItem[]): ResultPatch {
    const item = items[0];
    return item ? { job_id: Number(item.job.id), content_id: item.id } : {};
  }

  /** The job starts: body and scores before. */
  async begin(manager: EntityManager, items: ContentItem[]): Promise<void> {
    for (const { job, content, siteHost } of items) {
      const sql = tenantSql(manager);
      const o = sql.table(OptimizationTask, 'o');
      const before = analyseContent(content, siteHost).scores;
      await sql.query`
        UPDATE ${o} SET status = 'running', html_before = ${content.content_html}, scores_before = ${before},
               error_message = NULL, updated_at = now()
         WHERE ${o.scope} AND o.id = ${job.id} AND o.status IN ('pending', 'running')`;
    }
  }

  alreadySaved(manager: EntityManager, item: ContentItem, run: TaskRun): Promise<boolean> {
    return this.kit.usageLogged(manager, item, run);
  }

  buildCall(item: ContentItem, run: TaskRun): Promise<ProviderCall> {
    const { content } = item;
    return this.kit.textCall(
      'optimize_content',
      {
        title: content.title,
        primary_keyword: content.primary_keyword,
        secondary_keywords: content.secondary_keywords,
        content_html: content.content_html,
        meta_title: content.meta_title,
        meta_description: content.meta_description,
      },
      'optimization',
      {
        PRIMARY_KEYWORD: content.primary_keyword || content.title,
        CONTENT: [
          `Title: ${content.title}`,
          `Meta title: ${content.meta_title}`,
          `Meta description: ${content.meta_description}`,
          '',
          content.content_html,
        ].join('\n'),
      },
      run,
      { sectorId: Number(content.sector_id) },
    );
  }

  async parse(answer: ProviderAnswer, item: ContentItem): Promise<Optimized> {
    const json = parseJsonObject(answer.text);
    const html = text(json.content_html);
    if (html === '') throw new ParseError('The answer has no "content_html".');
    return {
      content_html: html,
      meta_title: text(json.meta_title, 255) || item.content.meta_title,
      meta_description: text(json.meta_description, 500) || item.content.meta_description,
    };
  }

  async save(manager: EntityManager, item: ContentItem, optimized: Optimized): Promise<ResultPatch> {
    await saveOptimizedContent(manager, item.id, optimized);
    const before = analyseContent(item.content, item.siteHost).scores;
    const after = analyseContent({ ...item.content, ...optimized }, item.siteHost).scores;
    const sql = tenantSql(manager);
    const o = sql.table(OptimizationTask, 'o');
    await sql.query`
      UPDATE ${o} SET status = 'completed', html_after = ${optimized.content_html}, scores_after = ${after},
             error_message = NULL, updated_at = now()
       WHERE ${o.scope} AND o.id = ${item.job.id}`;
    return { scores_before: { ...before }, scores_after: { ...after } };
  }

  async charged(manager: EntityManager, item: ContentItem, credits: number): Promise<void> {
    const sql = tenantSql(manager);
    const o = sql.table(OptimizationTask, 'o');
    await sql.query`
      UPDATE ${o} SET credits_used = credits_used + ${credits}, updated_at = now()
       WHERE ${o.scope} AND o.id = ${item.job.id}`;
  }

  async markFailed(manager: EntityManager, item: ContentItem, error: ItemError): Promise<void> {
    await this.failJob(manager, item.job.task_id, error.error);
  }

  async abandon(manager: EntityManager, log: AiTaskLog, message: string): Promise<void> {
    await this.failJob(manager, log.task_id, message);
  }

  private async failJob(manager: EntityManager, taskId: string | null, message: string): Promise<void> {
    const sql = tenantSql(manager);
    const o = sql.table(OptimizationTask, 'o');
    await sql.query`
      UPDATE ${o} SET status = 'failed', error_message = ${message}, updated_at = now()
       WHERE ${o.scope} AND o.task_id = ${taskId} AND o.status IN ('pending', 'running')`;
  }
}
