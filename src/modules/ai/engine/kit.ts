import { Injectable } from '@nestjs/common';
import type { EntityManager, ObjectLiteral } from 'typeorm';
import { ApiError } from '../../../common/http/error-codes.js';
import { tenantSql } from '../../../common/tenancy/tenant-sql.js';
import { CreditUsageLog } from '../../billing/entities/credit-usage-log.entity.js';
import type { ScopedRepository } from '../../../common/tenancy/scoped-repository.js';
import { PromptService } from '../config/prompt.service.js';
import type { PromptType } from '../entities/ai-prompt.entity.js';
import type { TextFunction, TextInputs } from '../providers/ai-provider.js';
import type { ActionPlan, ProviderCall, TaskRun, WorkItem } from './ai-function.js';

interface SiteRow extends ObjectLiteral {
  id: number;
  site_id: number;
}

/** What the AI functions share: entry checks, prompt building, the exactly-once check. */
@Injectable()
export class AiFunctionKit {
  constructor(private readonly prompts: PromptService) {}

  /**
   * The rows named by `ids`, all visible (else 400 on `ids` listing the missing ones, like ids
   * that do not exist) and of one site (else 400).
   */
  async visibleOnOneSite<T extends SiteRow>(
    repo: ScopedRepository<T>,
    ids: readonly number[],
    field = 'ids',
  ): Promise<T[]> {
    const rows = await repo
      .query()
      .andWhere(`${repo.alias}.id IN (:...ai_ids)`, { ai_ids: ids })
      .orderBy(`${repo.alias}.id`)
      .getMany();
    const found = new Set(rows.map((row) => Number(row.id)));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw ApiError.field(
        field,
        `Invalid pk ${missing.map((id) => `"${id}"`).join(', ')} - object does not exist.`,
      );
    }
    if (new Set(rows.map((row) => Number(row.site_id))).size > 1) {
      throw ApiError.field(field, 'All items must belong to one site.');
    }
    return rows;
  }

  /** The plan of an entry point whose items are the rows named by `ids` (one estimate unit each by default). */
  async plan<T extends SiteRow>(
    repo: ScopedRepository<T>,
    ids: readonly number[],
    units: (row: T) => number = () => 1,
    field = 'ids',
  ): Promise<ActionPlan> {
    const rows = await this.visibleOnOneSite(repo, ids, field);
    return { siteId: Number(rows[0].site_id), units: rows.map(units) };
  }

  /** The task's rows (its payload ids) on its site, visible in the job's tenant, by id. */
  taskRows<T extends SiteRow>(repo: ScopedRepository<T>, run: TaskRun): Promise<T[]> {
    const alias = repo.alias;
    return repo
      .query()
      .andWhere(`${alias}.id IN (:...ai_ids) AND ${alias}.site_id = :ai_site`, {
        ai_ids: run.payload.ids,
        ai_site: run.siteId,
      })
      .orderBy(`${alias}.id`)
      .getMany();
  }

  /** A text call: the resolved prompt with its variables, and the structured input for the offline provider. */
  async textCall<F extends TextFunction>(
    fn: F,
    input: TextInputs[F],
    promptType: PromptType,
    variables: Record<string, string>,
    run: TaskRun,
    scope: { sectorId: number | null; taskOverride?: string | null },
  ): Promise<ProviderCall> {
    const template = await this.prompts.resolve(promptType, {
      accountId: run.accountId,
      siteId: run.siteId,
      sectorId: scope.sectorId,
      taskOverride: scope.taskOverride ?? null,
    });
    return {
      kind: 'text',
      request: {
        function: fn,
        input,
        prompt: this.prompts.render(template, variables),
        model: run.model.model_name,
        jsonMode: run.model.supports_json_mode,
        temperature: run.settings.temperature,
        maxTokens: run.settings.max_tokens,
      },
    };
  }

  /** The prompt of `type` in effect for the run's site and `sectorId`, ready to render with variables. */
  async prompt(
    type: PromptType,
    run: TaskRun,
    sectorId: number | null,
  ): Promise<(variables: Record<string, string>) => string> {
    const template = await this.prompts.resolve(type, {
      accountId: run.accountId,
      siteId: run.siteId,
      sectorId,
    });
    return (variables) => this.prompts.render(template, variables);
  }

  /**
   * Exactly-once check of most functions (docs/domain-model.md#ai-engine): a usage log of this task and item
   * exists.
   */
  async usageLogged(manager: EntityManager, item: WorkItem, run: TaskRun): Promise<boolean> {
    const sql = tenantSql(manager);
    const u = sql.table(CreditUsageLog, 'u');
    const rows = await sql.query<unknown[]>`
      SELECT 1 FROM ${u}
       WHERE ${u.scope} AND u.task_id = ${run.log.task_id} AND u.related_object_type = ${item.type}
         AND u.related_object_id = ${item.id} AND u.account_id = ${run.accountId} LIMIT 1`;
    return rows.length > 0;
  }
}

/** A string field of a parsed answer, trimmed; '' when absent or not a string. */
export function text(value: unknown, max = Infinity): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

/** A list of strings of a parsed answer (non-strings dropped). */
export function texts(value: unknown): string[] {
  return Array.isArray(value)
    ? value
        .filter((v): v is string => typeof v === 'string')
        .map((v) => v.trim())
        .filter(Boolean)
    : [];
}
