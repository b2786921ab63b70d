import { DataSource } from 'typeorm';
import { expect } from 'vitest';
import { InlineJobDriver } from '../../src/common/jobs/inline-job.driver.js';
import { addKeywords, api, type Api, type Json } from '../ai/support.js';
import type { TestApp } from '../support/app.js';
import type { SeededTenant } from '../support/tenants.js';

export { api, type Api, type Json };

/** Zero delays and small batches for the tenant's first site; `autoApprove` turns on auto-approval. */
export async function configure(
  call: Api,
  tenant: SeededTenant,
  autoApprove = false,
  extra: Json = {},
): Promise<void> {
  const reply = await call('PATCH', `system/sites/${tenant.siteIds[0]}/settings/`, tenant.users.owner.auth, {
    automation: { within_stage_delay: 0, between_stage_delay: 0, ...extra },
    ai: { max_images: 1, ideas_per_cluster: 2 },
    publishing: { auto_approval_enabled: autoApprove },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

/** Seeds `perSector` keywords (from the keyword library) in both sectors of the first site; returns their ids. */
export function seedKeywords(call: Api, tenant: SeededTenant, t: TestApp, perSector = 3): Promise<number[]> {
  return addKeywords(call, tenant, t, perSector);
}

export async function runNow(call: Api, tenant: SeededTenant): Promise<{ run_id: string; task_id: string }> {
  const reply = await call(
    'POST',
    `automation/run_now/?site_id=${tenant.siteIds[0]}`,
    tenant.users.editor.auth,
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  return reply.body.data as { run_id: string; task_id: string };
}

export async function drain(t: TestApp): Promise<void> {
  await t.app.get(InlineJobDriver).drain();
}

export async function runRow(t: TestApp, runId: string): Promise<Json> {
  const [row] = await t.app
    .get(DataSource)
    .query<Json[]>('SELECT * FROM igny8_automation_runs WHERE run_id = $1', [runId]);
  return row;
}

export async function count(t: TestApp, sql: string, params: unknown[]): Promise<number> {
  const [row] = await t.app.get(DataSource).query<{ n: number }[]>(sql, params);
  return Number(row.n);
}

export async function ledgerTotal(t: TestApp, tenant: SeededTenant): Promise<number> {
  return -(await count(
    t,
    `SELECT COALESCE(sum(amount), 0)::int AS n FROM igny8_credit_transactions WHERE account_id = $1 AND transaction_type = 'deduction'`,
    [tenant.accountId],
  ));
}

/**
 * After a run that survived a restart: no item has two usage entries, the ledger is what the run reports,
 * and all `articles` of the site are approved.
 */
export async function expectChargedOnceAndApproved(
  t: TestApp,
  tenant: SeededTenant,
  run: Json,
  articles: number,
): Promise<void> {
  const [charged] = await t.app.get(DataSource).query<{ n: number; items: number }[]>(
    `SELECT count(*)::int AS n, count(DISTINCT (related_object_type, related_object_id, operation_type))::int AS items
     FROM igny8_credit_usage_logs WHERE account_id = $1`,
    [tenant.accountId],
  );
  expect(charged.n).toBe(charged.items);
  expect(await ledgerTotal(t, tenant)).toBe(run.total_credits_used);
  expect(
    await count(
      t,
      "SELECT count(*)::int AS n FROM igny8_content WHERE site_id = $1 AND status = 'approved'",
      [tenant.siteIds[0]],
    ),
  ).toBe(articles);
}
