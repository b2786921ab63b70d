import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { ScopedRepositories, type ScopedRepository } from '../../common/tenancy/scoped-repository.js';
import { AutomationRunsService } from './automation-runs.service.js';
import { AutomationRun } from './entities/automation-run.entity.js';
import { type AutomationRunView, type HistoryEntry, presentHistory, presentRun } from './presenters.js';
import { type RunEventView, RunEvents } from './run-events.js';
import { RunLog } from './run-log.js';
import { STAGE_NUMBERS, STAGES, type StageNumber, stageResult } from './stages.js';

export interface CurrentProcessing {
  run_id: string;
  stage: number;
  stage_name: string;
  item: { type: string; id: number; label: string } | null;
  processed: number;
  total: number;
}

/** The read side of automation (docs/automation.md#observability). */
@Injectable()
export class AutomationViewsService {
  private readonly repo: ScopedRepository<AutomationRun>;

  constructor(
    repos: ScopedRepositories,
    private readonly dataSource: DataSource,
    private readonly runs: AutomationRunsService,
    private readonly events: RunEvents,
    private readonly log: RunLog,
  ) {
    this.repo = repos.for(AutomationRun, 'r', { account: 'r.account_id', site: 'r.site_id' });
  }

  async currentRun(siteId: number): Promise<AutomationRunView | null> {
    await this.runs.site(siteId, undefined, false);
    const run = await this.runs.active(siteId);
    return run ? presentRun(run) : null;
  }

  async detail(runId: string): Promise<AutomationRunView> {
    return presentRun(await this.runs.find(runId));
  }

  /** The latest `limit` runs of the site, newest first (a plain array, not a paginated list). */
  async history(siteId: number, limit: number): Promise<HistoryEntry[]> {
    await this.runs.site(siteId, undefined, false);
    const runs = await this.repo
      .query()
      .andWhere('r.site_id = :history_site', { history_site: siteId })
      .orderBy('r.started_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .take(limit)
      .getMany();
    return runs.map(presentHistory);
  }

  async logs(runId: string, lines: number): Promise<{ run_id: string; lines: string[] }> {
    const run = await this.runs.find(runId);
    return { run_id: run.run_id, lines: await this.log.tail(run, lines) };
  }

  async overview(
    siteId: number,
  ): Promise<{ site_id: number; stages: { stage: number; name: string; pending: number }[] }> {
    const site = await this.runs.site(siteId, undefined, false);
    const stages = [];
    for (const stage of STAGE_NUMBERS) {
      const pending = await STAGES[stage].pending(this.dataSource.manager, site.id);
      stages.push({ stage, name: STAGES[stage].name, pending: pending.length });
    }
    return { site_id: site.id, stages };
  }

  async currentProcessing(siteId: number, runId: string | undefined): Promise<CurrentProcessing | null> {
    await this.runs.site(siteId, undefined, false);
    const run = runId ? await this.runs.find(runId) : await this.runs.active(siteId);
    if (!run || Number(run.site_id) !== siteId) {
      if (runId) throw ApiError.notFound();
      return null;
    }
    if (run.status !== 'running' && run.status !== 'paused') return null;
    const stage = run.current_stage as StageNumber;
    const result = stageResult(run, stage);
    return {
      run_id: run.run_id,
      stage,
      stage_name: STAGES[stage].name,
      item: run.status === 'running' ? run.current_item : null,
      processed: result?.items_processed ?? 0,
      total: result?.items_total ?? 0,
    };
  }

  /** For `events/`: the run (404 if invisible) and a reader of its events after a given id. */
  async eventSource(runId: string): Promise<{
    run: AutomationRun;
    since: (after: number) => Promise<RunEventView[]>;
    ended: () => Promise<boolean>;
  }> {
    const run = await this.runs.find(runId);
    return {
      run,
      since: (after) => this.events.since(Number(run.id), after),
      ended: async () => {
        const current = await this.runs.find(runId);
        return !['running', 'paused'].includes(current.status);
      },
    };
  }
}
