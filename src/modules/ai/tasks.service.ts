import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import type { Paginated } from '../../common/http/responses.js';
import { defineList, filter, ListService, type RawQuery } from '../../common/list/index.js';
import type { PageRequest } from '../../common/list/paginate.js';
import { ScopedRepositories, type ScopedRepository } from '../../common/tenancy/scoped-repository.js';
import { AiEngine } from './engine/ai-engine.js';
import {
  AiTaskLog,
  FINISHED_TASK_STATUSES,
  TASK_FUNCTIONS,
  TASK_STATUSES,
  type TaskFunction,
  type TaskPhase,
  type TaskStatus,
} from './entities/ai-task-log.entity.js';

/** A task as `system/tasks/` shows it (docs/api-conventions.md#ai-actions-and-tasks). */
export interface TaskView {
  task_id: string;
  function: TaskFunction;
  status: TaskStatus;
  progress: { phase: TaskPhase; percent: number; message: string };
  result: Record<string, unknown> | null;
  error: string | null;
  credits_used: number;
  created_at: Date;
  finished_at: Date | null;
}

export const TASKS_LIST = defineList({
  filters: {
    status: filter.enum('t.status', TASK_STATUSES),
    function: filter.enum('t.function', TASK_FUNCTIONS),
    site_id: filter.relation('t.site_id'),
  },
  ordering: { fields: { created_at: 't.created_at' }, default: '-created_at' },
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function presentTask(log: AiTaskLog): TaskView {
  const ended = FINISHED_TASK_STATUSES.includes(log.status);
  return {
    task_id: log.task_id,
    function: log.function,
    status: log.status,
    progress: { phase: log.phase, percent: log.percent, message: log.message },
    result: ended ? log.result : null,
    error: log.status === 'failed' ? log.error : null,
    credits_used: log.credits_used,
    created_at: log.created_at,
    finished_at: log.finished_at,
  };
}

/**
 * `system/tasks/` (docs/api-conventions.md#ai-actions-and-tasks): the caller's background tasks; another
 * account's (or an invisible site's) are 404.
 */
@Injectable()
export class TasksService {
  private readonly tasks: ScopedRepository<AiTaskLog>;

  constructor(
    repos: ScopedRepositories,
    private readonly lists: ListService,
    private readonly dataSource: DataSource,
    private readonly engine: AiEngine,
  ) {
    this.tasks = repos.for(AiTaskLog, 't', { account: 't.account_id', site: 't.site_id' });
  }

  list(raw: RawQuery, request: PageRequest): Promise<Paginated<TaskView>> {
    return this.lists.list(this.tasks.query(), TASKS_LIST, raw, request, async (qb) =>
      (await qb.getMany()).map(presentTask),
    );
  }

  async get(taskId: string): Promise<TaskView> {
    return presentTask(await this.find(taskId));
  }

  /** Cancels a queued task and releases its hold; a task that started or ended → 409 `invalid_state`. */
  async cancel(taskId: string): Promise<TaskView> {
    const log = await this.find(taskId);
    if (log.status !== 'queued' || !(await this.engine.end(log, 'cancelled', null))) {
      const current = await this.find(taskId);
      throw new ApiError(
        'invalid_state',
        `Only queued tasks can be cancelled; this task is ${current.status}.`,
      );
    }
    return presentTask(await this.find(taskId));
  }

  private async find(taskId: string): Promise<AiTaskLog> {
    if (!UUID.test(taskId)) throw ApiError.notFound();
    const log = await this.tasks.query().andWhere('t.task_id = :taskId', { taskId }).getOne();
    if (!log) throw ApiError.notFound();
    return log;
  }
}
