import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ScopedRepositories, type ScopedRepository } from '../../../common/tenancy/scoped-repository.js';
import { tenantSql } from '../../../common/tenancy/tenant-sql.js';
import { ContentIdea } from '../../planner/entities/content-idea.entity.js';
import { Content } from '../../writer/entities/content.entity.js';
import { Task } from '../../writer/entities/task.entity.js';
import {
  failTask,
  failUnfinishedTasks,
  releaseTasks,
  saveGeneratedContent,
  startGeneratingTasks,
} from '../../writer/writer-writes.js';
import type { AiTaskLog } from '../entities/ai-task-log.entity.js';
import {
  type ActionInput,
  type ActionPayload,
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
import { authorPromptText, defaultAuthorProfile } from '../config/author-profile-prompt.js';
import { AiFunctionKit, text, texts } from '../engine/kit.js';
import type { TextOutputs } from '../providers/ai-provider.js';

interface TaskItem extends WorkItem {
  task: Task;
  outline: { heading: string; points: string[] }[];
}

type ParsedArticle = TextOutputs['generate_content'];

/**
 * Tasks that may be generated (docs/domain-model.md#ai-engine); `generating` too when a retried job resumes
 * its own work.
 */
const ELIGIBLE = new Set(['queued', 'failed']);

/**
 * `generate_content` (docs/domain-model.md#ai-engine): one article per writer task, one provider call per
 * task.
 */
@Injectable()
export class GenerateContentFunction implements AiFunction<TaskItem, ParsedArticle> {
  readonly name = 'generate_content';
  readonly operation = 'content_generation';
  readonly modelType = 'text';
  private readonly tasks: ScopedRepository<Task>;
  private readonly ideas: ScopedRepository<ContentIdea>;

  constructor(
    repos: ScopedRepositories,
    private readonly kit: AiFunctionKit,
    private readonly dataSource: DataSource,
  ) {
    this.tasks = repos.for(Task, 't');
    this.ideas = repos.for(ContentIdea, 'ci');
  }

  emptyResult = (): ResultPatch => ({ tasks_completed: 0, tasks_failed: 0, content_ids: [], errors: [] });

  validate({ ids }: ActionInput): Promise<ActionPlan> {
    return this.kit.plan(this.tasks, ids, (task) => task.word_count);
  }

  async load(run: TaskRun): Promise<TaskItem[]> {
    const tasks = await this.kit.taskRows(this.tasks, run);
    const ideaIds = tasks.map((task) => task.idea_id).filter((id): id is number => id !== null);
    const ideas =
      ideaIds.length === 0
        ? []
        : await this.ideas.query().andWhere('ci.id IN (:...ideaIds)', { ideaIds }).getMany();
    return tasks.map((task) => {
      const eligible = ELIGIBLE.has(task.status) || (run.resumed && task.status === 'generating');
      return {
        type: 'task',
        id: Number(task.id),
        units: task.word_count,
        ineligible: eligible
          ? null
          : `The task is ${task.status}; only queued or failed tasks are generated.`,
        task,
        outline: ideas.find((idea) => Number(idea.id) === Number(task.idea_id))?.outline ?? [],
      };
    });
  }

  async begin(manager: EntityManager, items: TaskItem[]): Promise<void> {
    await startGeneratingTasks(
      manager,
      items.map((item) => item.id),
    );
  }

  async alreadySaved(manager: EntityManager, item: TaskItem): Promise<boolean> {
    const sql = tenantSql(manager);
    const c = sql.table(Content, 'c');
    const rows = await sql.query<unknown[]>`
      SELECT 1 FROM ${c} WHERE ${c.scope} AND c.task_id = ${item.id} AND c.deleted_at IS NULL LIMIT 1`;
    return rows.length > 0;
  }

  async buildCall(item: TaskItem, run: TaskRun): Promise<ProviderCall> {
    const { task } = item;
    const keywords = task.keywords
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const primary = keywords[0] ?? task.title;
    const secondary = keywords.slice(1);
    const outline = item.outline
      .map(
        (section) => `- ${section.heading}${section.points.length ? `: ${section.points.join('; ')}` : ''}`,
      )
      .join('\n');
    return this.kit.textCall(
      'generate_content',
      {
        title: task.title,
        description: task.description,
        primary_keyword: primary,
        secondary_keywords: secondary,
        word_count: task.word_count,
        content_type: task.content_type,
        content_structure: task.content_structure,
        outline: item.outline,
      },
      'content_generation',
      {
        TITLE: task.title,
        DESCRIPTION: task.description,
        PRIMARY_KEYWORD: primary,
        SECONDARY_KEYWORDS: secondary.join(', '),
        WORD_COUNT: String(task.word_count),
        CONTENT_TYPE: task.content_type,
        CONTENT_STRUCTURE: task.content_structure,
        OUTLINE: outline,
        AUTHOR: authorPromptText(await defaultAuthorProfile(this.dataSource.manager, run.accountId)),
      },
      run,
      { sectorId: Number(task.sector_id), taskOverride: task.prompt_override },
    );
  }

  async parse(answer: ProviderAnswer, item: TaskItem): Promise<ParsedArticle> {
    const json = parseJsonObject(answer.text);
    const html = text(json.content_html);
    if (html === '') throw new ParseError('The answer has no "content_html".');
    return {
      title: text(json.title, 500) || item.task.title,
      content_html: html,
      meta_title: text(json.meta_title, 255),
      meta_description: text(json.meta_description, 500),
      primary_keyword: text(json.primary_keyword, 255),
      secondary_keywords: texts(json.secondary_keywords),
    };
  }

  async save(
    manager: EntityManager,
    item: TaskItem,
    article: ParsedArticle,
    run: TaskRun,
  ): Promise<ResultPatch> {
    const contentId = await saveGeneratedContent(manager, run.siteId, item.task, article);
    return { tasks_completed: 1, content_ids: [contentId] };
  }

  async abandon(manager: EntityManager, log: AiTaskLog, message: string): Promise<void> {
    await failUnfinishedTasks(
      manager,
      log.account_id,
      (log.payload as unknown as ActionPayload).ids,
      message,
    );
  }

  async release(manager: EntityManager, log: AiTaskLog, ids: readonly number[]): Promise<void> {
    await releaseTasks(manager, log.account_id, ids);
  }

  async markFailed(manager: EntityManager, item: TaskItem, error: ItemError): Promise<ResultPatch> {
    await failTask(manager, item.id, error.error);
    return { tasks_failed: 1 };
  }
}
