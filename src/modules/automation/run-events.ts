import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { AutomationRunEvent } from './entities/automation-run-event.entity.js';
import { AutomationRun } from './entities/automation-run.entity.js';

export interface RunEventView {
  id: number;
  type: string;
  data: Record<string, unknown>;
}

/** The numbered progress events of a run (`events/`), written by whoever changes the run. */
@Injectable()
export class RunEvents {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends an event with the run's next number. */
  async add(
    run: Pick<AutomationRun, 'id' | 'account_id'>,
    type: 'status' | 'stage' | 'item',
    data: Record<string, unknown>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const sql = tenantSql(manager);
    const r = sql.table(AutomationRun, 'r');
    const [row] = await sql.query<{ event_seq: number }[]>`
      WITH bumped AS (UPDATE ${r} SET event_seq = event_seq + 1 WHERE ${r.scope} AND r.id = ${run.id} RETURNING r.event_seq)
      SELECT event_seq FROM bumped`;
    await manager.insert(AutomationRunEvent, {
      account_id: run.account_id,
      run_pk: run.id,
      seq: Number(row.event_seq),
      type,
      data: data as never,
    });
  }

  /** The events after `after`, oldest first (at most `limit`). */
  async since(runPk: number, after: number, limit = 500): Promise<RunEventView[]> {
    const sql = tenantSql(this.dataSource.manager);
    const e = sql.table(AutomationRunEvent, 'e');
    const rows = await sql.query<{ seq: number; type: string; data: Record<string, unknown> }[]>`
      SELECT e.seq, e.type, e.data FROM ${e}
       WHERE ${e.scope} AND e.run_pk = ${runPk} AND e.seq > ${after} ORDER BY e.seq LIMIT ${limit}`;
    return rows.map((row) => ({ id: Number(row.seq), type: row.type, data: row.data }));
  }
}
