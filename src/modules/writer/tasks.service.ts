import { Injectable } from '@nestjs/common';
import { defineList, filter } from '../../common/list/index.js';
import { ResourceDeps } from '../../common/tenancy/scoped-resource.js';
import { Cluster } from '../planner/entities/cluster.entity.js';
import { Sector } from '../identity/entities/sector.entity.js';
import { CONTENT_STRUCTURES, CONTENT_TYPES } from '../planner/entities/content-kinds.js';
import { TASK_STATUSES, Task } from './entities/task.entity.js';
import type { CreateTaskDto, UpdateTaskDto } from './dto/task.dto.js';
import { requireForPut } from './dto/rules.js';
import { TASK_STATUS } from './state-machines.js';
import { SiteSectorResource, type Skipped } from '../sites/site-sector-resource.js';
import { labelsOf, type Place, WriterRefs } from './writer-scope.js';

/**
 * Task (docs/api-conventions.md#object-representations): every column plus `cluster_name`, `idea_title`,
 * `sector_name`, `content_id`.
 */
export type TaskView = Task & {
  cluster_name: string | null;
  idea_title: string | null;
  sector_name: string | null;
  content_id: number | null;
};

const SECTOR_OPTIONS = {
  all: 'All Sectors',
  label: 'fs.name',
  join: { table: Sector, alias: 'fs', on: 'fs.id = t.sector_id' },
};

export const TASKS_LIST = defineList({
  filters: {
    site_id: filter.relation('t.site_id'),
    sector_id: filter.relation('t.sector_id', { options: SECTOR_OPTIONS }),
    status: filter.enum('t.status', TASK_STATUSES, 'All Statuses'),
    cluster_id: filter.relation('t.cluster_id', {
      nullable: true,
      options: {
        all: 'All Clusters',
        none: 'No Cluster',
        label: 'fc.name',
        join: { table: Cluster, alias: 'fc', on: 'fc.id = t.cluster_id' },
      },
    }),
    idea_id: filter.relation('t.idea_id', { nullable: true }),
    content_type: filter.enum('t.content_type', CONTENT_TYPES, 'All Types'),
    content_structure: filter.enum('t.content_structure', CONTENT_STRUCTURES, 'All Structures'),
    ids: filter.ids('t.id'),
  },
  search: ['t.title', 't.keywords'],
  ordering: {
    fields: {
      title: 't.title',
      status: 't.status',
      word_count: 't.word_count',
      created_at: 't.created_at',
      updated_at: 't.updated_at',
    },
    default: '-created_at',
  },
});

/**
 * `writer/tasks/`: CRUD with the cluster, idea and taxonomy term resolved through the
 * caller's scope (same site; cluster and idea also the same sector), trash/restore/purge, and
 * re-queueing (`status: queued` from `failed`/`completed` only, docs/domain-model.md#state-machines).
 */
@Injectable()
export class TasksService extends SiteSectorResource<Task, TaskView> {
  constructor(
    deps: ResourceDeps,
    private readonly refs: WriterRefs,
  ) {
    super(deps, {
      entity: Task,
      table: 'igny8_tasks',
      alias: 't',
      list: TASKS_LIST,
      present: (rows) => this.presentRows(rows),
    });
  }

  async create(body: CreateTaskDto): Promise<TaskView> {
    const place = await this.refs.place(body.site_id, body.sector_id);
    const task = this.deps.dataSource.manager.create(Task, {
      ...place,
      sector_id: place.sector_id!,
      title: body.title.trim(),
      status: 'queued',
    });
    await this.assign(task, body, place);
    const saved = await this.transaction((manager) => this.save(manager, task));
    return this.get(saved.id);
  }

  async update(id: number, body: UpdateTaskDto, { partial }: { partial: boolean }): Promise<TaskView> {
    const task = await this.find(id);
    requireForPut(body, ['title', 'cluster_id'], partial);
    if (body.status !== undefined) {
      TASK_STATUS.assertTransition(task.status, body.status, { allowUnchanged: true });
      task.status = body.status;
    }
    if (body.title !== undefined) task.title = body.title.trim();
    await this.assign(task, body, task);
    await this.transaction((manager) => this.save(manager, task));
    return this.get(id);
  }

  /** `bulk_update {ids, status: "queued"}`: re-queues failed/completed tasks, skips the others. */
  bulkUpdate(ids: number[], status: 'queued'): Promise<{ updated_count: number; skipped: Skipped[] }> {
    const from = TASK_STATUS.states.filter((state) => TASK_STATUS.isAllowed(state, status));
    return this.bulkSetStatus(ids, status, from);
  }

  /** The writable fields shared by create and update; references resolved in the task's site/sector. */
  private async assign(task: Task, body: UpdateTaskDto, place: Place): Promise<void> {
    if (body.cluster_id !== undefined) {
      task.cluster_id = (
        await this.refs.sibling(this.refs.clusters, 'cluster_id', body.cluster_id, place, {
          label: 'cluster',
        })
      ).id;
    }
    if (body.idea_id !== undefined) {
      task.idea_id =
        body.idea_id === null
          ? null
          : (await this.refs.sibling(this.refs.ideas, 'idea_id', body.idea_id, place, { label: 'idea' })).id;
    }
    if (body.taxonomy_term_id !== undefined) {
      task.taxonomy_term_id =
        body.taxonomy_term_id === null
          ? null
          : (
              await this.refs.sibling(this.refs.terms, 'taxonomy_term_id', body.taxonomy_term_id, place, {
                sameSector: false,
                label: 'taxonomy term',
              })
            ).id;
    }
    if (body.description !== undefined) task.description = body.description;
    if (body.content_type !== undefined) task.content_type = body.content_type;
    if (body.content_structure !== undefined) task.content_structure = body.content_structure;
    if (body.keywords !== undefined) task.keywords = body.keywords;
    if (body.word_count !== undefined) task.word_count = body.word_count;
    if (body.prompt_override !== undefined) task.prompt_override = body.prompt_override;
  }

  /** Labels and the live content of a page of tasks: four queries whatever the page size. */
  private async presentRows(rows: Task[]): Promise<TaskView[]> {
    if (rows.length === 0) return [];
    const [clusters, ideas, sectors, contentByTask] = await Promise.all([
      labelsOf(
        this.refs.clusters,
        'name',
        rows.map((row) => row.cluster_id),
      ),
      labelsOf(
        this.refs.ideas,
        'idea_title',
        rows.map((row) => row.idea_id),
      ),
      labelsOf(
        this.refs.sectors,
        'name',
        rows.map((row) => row.sector_id),
      ),
      this.contentOf(rows.map((row) => row.id)),
    ]);
    return rows.map((row) =>
      Object.assign(row, {
        cluster_name: clusters.get(Number(row.cluster_id)) ?? null,
        idea_title: row.idea_id === null ? null : (ideas.get(Number(row.idea_id)) ?? null),
        sector_name: sectors.get(Number(row.sector_id)) ?? null,
        content_id: contentByTask.get(Number(row.id)) ?? null,
      }),
    );
  }

  /** `task_id → content id` of the live content written for these tasks. */
  private async contentOf(taskIds: number[]): Promise<Map<number, number>> {
    const rows = await this.refs.content
      .query()
      .select('c.id', 'id')
      .addSelect('c.task_id', 'task_id')
      .andWhere('c.task_id IN (:...content_task_ids)', { content_task_ids: taskIds })
      .getRawMany<{ id: number | string; task_id: number | string }>();
    return new Map(rows.map((row) => [Number(row.task_id), Number(row.id)]));
  }
}
