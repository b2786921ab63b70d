import type { HTTPMethods } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { expect, vi } from 'vitest';
import { TenantContext } from '../../src/common/context/tenant-context.service.js';
import { InlineJobDriver, type InlineJobOutcome } from '../../src/common/jobs/inline-job.driver.js';
import type { JobEnvelope, JobName, JobPayloads } from '../../src/common/jobs/job-catalogue.js';
import { JobsService } from '../../src/common/jobs/jobs.service.js';
import type { TestApp } from '../support/app.js';
import type { SeededTenant } from '../support/tenants.js';

export type Json = Record<string, unknown>;

export interface Reply {
  status: number;
  body: Json;
  headers: Record<string, unknown>;
}

/** Calls `/api/v1/<url>` as `headers`, with an optional JSON body. */
export function api(t: TestApp) {
  return async (
    method: HTTPMethods,
    url: string,
    headers: Record<string, string>,
    payload?: unknown,
  ): Promise<Reply> => {
    const response = await t.request({
      method,
      url: `/api/v1/${url}`,
      headers,
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
    const isJson = (response.headers['content-type'] ?? '').toString().includes('json');
    return {
      status: response.statusCode,
      body: isJson ? response.json<Json>() : {},
      headers: response.headers,
    };
  };
}

export type Api = ReturnType<typeof api>;

/** Waits for the inline jobs, then reads the task through the API. */
export async function settle(
  t: TestApp,
  call: Api,
  taskId: string,
  headers: Record<string, string>,
): Promise<Json> {
  await t.app.get(InlineJobDriver).drain();
  const reply = await call('GET', `system/tasks/${taskId}/`, headers);
  expect(reply.status).toBe(200);
  return reply.body.data as Json;
}

/** Starts an AI action and expects 202 `{task_id}`. */
export async function start(
  call: Api,
  url: string,
  headers: Record<string, string>,
  body: Json,
): Promise<string> {
  const reply = await call('POST', url, headers, body);
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  const taskId = (reply.body.data as Json).task_id as string;
  expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
  return taskId;
}

/** Pools and holds of an account, and its ledger. */
export async function credits(t: TestApp, tenant: SeededTenant) {
  const db = t.app.get(DataSource);
  const [account] = await db.query<{ credits: number; bonus_credits: number; held_credits: number }[]>(
    'SELECT credits, bonus_credits, held_credits FROM igny8_accounts WHERE id = $1',
    [tenant.accountId],
  );
  const ledger = await db.query<
    { amount: number; plan_amount: number; bonus_amount: number; reference_id: string }[]
  >(
    'SELECT amount, plan_amount, bonus_amount, reference_id FROM igny8_credit_transactions WHERE account_id = $1 ORDER BY id',
    [tenant.accountId],
  );
  const usage = await db.query<
    { credits_used: number; operation_type: string; transaction_id: number | null }[]
  >(
    'SELECT credits_used, operation_type, transaction_id FROM igny8_credit_usage_logs WHERE account_id = $1 ORDER BY id',
    [tenant.accountId],
  );
  return { ...account, ledger, usage };
}

/** Sets an account's pools (plan, bonus) directly. */
export async function setPools(t: TestApp, tenant: SeededTenant, plan: number, bonus = 0): Promise<void> {
  await t.app
    .get(DataSource)
    .query('UPDATE igny8_accounts SET credits = $2, bonus_credits = $3 WHERE id = $1', [
      tenant.accountId,
      plan,
      bonus,
    ]);
}

/** Adds the technology seeds of both sectors (at most `perSector` each) to the tenant's first site; returns the keyword ids. */
export async function addKeywords(
  call: Api,
  tenant: SeededTenant,
  t: TestApp,
  perSector = 10_000,
): Promise<number[]> {
  const db = t.app.get(DataSource);
  const ids: number[] = [];
  for (const [index, slug] of ['software-development', 'cloud-computing'].entries()) {
    const seeds = await db.query<{ id: number }[]>(
      `SELECT k.id FROM igny8_seed_keywords k JOIN igny8_industry_sectors s ON s.id = k.sector_id
        WHERE s.slug = $1 ORDER BY k.id LIMIT $2`,
      [slug, perSector],
    );
    const reply = await call('POST', 'planner/keywords/bulk_add_from_seed/', tenant.users.editor.auth, {
      site_id: tenant.siteIds[0],
      sector_id: tenant.sectorIds[0][index],
      seed_keyword_ids: seeds.map((seed) => seed.id),
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    ids.push(...((reply.body.data as Json).keyword_ids as number[]));
  }
  return ids;
}

/** Inserts `count` articles (two sections each) into the tenant's first site and sector; returns their ids. */
export async function addContent(t: TestApp, tenant: SeededTenant, count: number): Promise<number[]> {
  const rows = await t.app.get(DataSource).query<{ id: number }[]>(
    `INSERT INTO igny8_content (account_id, site_id, sector_id, title, content_html)
     SELECT $1, $2, $3, 'Article ' || n, '<h2>Why it matters</h2><p>Text.</p><h2>How to start</h2><p>Text.</p>'
       FROM generate_series(1, $4::int) AS n
     RETURNING id`,
    [tenant.accountId, tenant.siteIds[0], tenant.sectorIds[0][0], count],
  );
  return rows.map((row) => Number(row.id));
}

/** Inserts a cluster and `count` queued writer tasks of `wordCount` words (first sector); returns their ids. */
export async function addTasks(
  t: TestApp,
  tenant: SeededTenant,
  count: number,
  wordCount: number,
): Promise<number[]> {
  const db = t.app.get(DataSource);
  const [site, sector] = [tenant.siteIds[0], tenant.sectorIds[0][0]];
  const [cluster] = await db.query<{ id: number }[]>(
    `INSERT INTO igny8_clusters (account_id, site_id, sector_id, name) VALUES ($1, $2, $3, 'Cloud backups') RETURNING id`,
    [tenant.accountId, site, sector],
  );
  const rows = await db.query<{ id: number }[]>(
    `INSERT INTO igny8_tasks (account_id, site_id, sector_id, cluster_id, title, keywords, word_count)
     SELECT $1, $2, $3, $4, 'Cloud backup guide ' || n, 'cloud backup, offsite backup', $5
       FROM generate_series(1, $6::int) AS n
     RETURNING id`,
    [tenant.accountId, site, sector, cluster.id, wordCount, count],
  );
  return rows.map((row) => Number(row.id));
}

export interface HeldJob {
  name: JobName;
  envelope: JobEnvelope;
}

/**
 * Keeps the task jobs enqueued from now on away from the inline driver (which would start them on the
 * next turn of the event loop), so their tasks stay `queued` while a test looks at them;
 * `release()` hands them to the driver and waits for them to finish. Jobs of no task (the scheduler's
 * repeatable jobs, which fire on the wall clock) pass straight through: they are not the test's.
 */
export function holdJobs(t: TestApp) {
  const driver = t.app.get(InlineJobDriver);
  const enqueue = driver.add.bind(driver);
  const held: HeldJob[] = [];
  const spy = vi.spyOn(driver, 'add').mockImplementation((name, envelope) => {
    if (envelope.meta.taskId === undefined) return enqueue(name, envelope);
    held.push({ name, envelope });
    return Promise.resolve(`held-${held.length}`);
  });
  return {
    held,
    async release(): Promise<InlineJobOutcome[]> {
      spy.mockRestore();
      const released = new Set<string>();
      for (const job of held) released.add(await driver.add(job.name, job.envelope));
      return (await driver.drain()).filter((outcome) => released.has(outcome.jobId));
    },
  };
}

/** A task row written with SQL (states the entry points cannot produce on demand). */
export interface TaskLogRow {
  function?: string;
  status?: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  siteId?: number | null;
  userId?: number | null;
  payload?: Json;
  result?: Json | null;
  error?: string | null;
  /** Reserved by the task; added to the account's `held_credits` too, as an entry point would. */
  heldCredits?: number;
  /** SQL timestamptz literal, e.g. `2024-03-01T10:00:00Z`; default now. */
  createdAt?: string;
}

/** Inserts an AITaskLog of `accountId` (finished states get `finished_at`); returns its task_id. */
export async function insertTaskLog(t: TestApp, accountId: number, row: TaskLogRow = {}): Promise<string> {
  const db = t.app.get(DataSource);
  const taskId = randomUUID();
  const status = row.status ?? 'queued';
  const held = row.heldCredits ?? 0;
  await db.query(
    `INSERT INTO igny8_ai_task_logs (account_id, task_id, site_id, user_id, function, status, payload, result, error,
       held_credits, created_at, started_at, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, COALESCE($11::timestamptz, now()),
       CASE WHEN $12 THEN now() END, CASE WHEN $13 THEN now() END)`,
    [
      accountId,
      taskId,
      row.siteId ?? null,
      row.userId ?? null,
      row.function ?? 'auto_cluster',
      status,
      row.payload ?? {},
      row.result ?? null,
      row.error ?? null,
      held,
      row.createdAt ?? null,
      status !== 'queued',
      ['completed', 'failed', 'cancelled'].includes(status),
    ],
  );
  if (held > 0) {
    await db.query('UPDATE igny8_accounts SET held_credits = held_credits + $2 WHERE id = $1', [
      accountId,
      held,
    ]);
  }
  return taskId;
}

/**
 * Enqueues an `ai_task` job the way an entry point does, inside a context of `tenant`'s account
 * (its editor), and waits for the inline driver: the job runs with that account in `meta`.
 */
export async function runAiJobAs(
  t: TestApp,
  tenant: SeededTenant,
  payload: JobPayloads['ai_task'],
  siteId?: number,
): Promise<InlineJobOutcome[]> {
  const context = t.app.get(TenantContext);
  await context.runFresh(`test:${payload.task_id}`, async () => {
    context.setPrincipal({
      userId: tenant.users.editor.id,
      accountId: tenant.accountId,
      siteId: null,
      role: 'editor',
      bypassTenant: false,
      via: 'jwt',
    });
    await t.app.get(JobsService).enqueue('ai_task', payload, { taskId: payload.task_id, siteId });
  });
  return t.app.get(InlineJobDriver).drain();
}

/** A generate_content answer of the fake OpenAI server, and what each call costs. */
export const ARTICLE = {
  title: 'Cloud backups, explained',
  content_html:
    '<h2>Why back up</h2><p>Because disks fail.</p><h2>How</h2><ul><li>Daily</li><li>Offsite</li></ul>',
  meta_title: 'Cloud backups',
  meta_description: 'How to back up to the cloud.',
  primary_keyword: 'cloud backup',
  secondary_keywords: ['offsite backup'],
};
/** Per call: ceil((1500 + 2500) / 1000 tokens per credit) = 4 credits. */
export const USAGE = { prompt_tokens: 1500, completion_tokens: 2500 };
export const CREDITS_PER_ITEM = 4;
