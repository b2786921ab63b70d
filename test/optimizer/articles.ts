import { DataSource } from 'typeorm';
import { expect } from 'vitest';
import type { TestApp } from '../support/app.js';
import type { SeededTenant } from '../support/tenants.js';

/*
 * Article-like fixtures: a well-built article on small-business cloud backups, a weaker draft of the same
 * topic, and short pages the linker can link to.
 */

/** A well-structured article: keyword placed, short sentences, subheadings, list, alt texts, links. */
export const GOOD_ARTICLE = {
  title: 'Cloud Backup for Small Businesses: A Practical Guide',
  primary_keyword: 'cloud backup',
  meta_title: 'Cloud Backup for Small Businesses: A Practical Guide',
  meta_description:
    'Learn how cloud backup protects small business data: choosing a provider, scheduling backups, testing restores and keeping costs predictable.',
  content_html: `<p>A reliable cloud backup keeps your business running when a laptop is stolen or a server fails. This guide explains what to back up and how often. It also shows how to test that your files really come back.</p>
<h2>Why cloud backup matters</h2>
<p>Hardware fails without warning. Ransomware can encrypt every shared drive in minutes. A copy of your data in another location is the only safe answer. Cloud backup stores that copy off site, so a local disaster does not touch it.</p>
<p>Many owners assume their file sync service is a backup. It is not. Sync copies deletions and damage as quickly as it copies good files. Read our <a href="/blog/sync-vs-backup">comparison of sync and backup</a> for the details.</p>
<img src="/media/backup-diagram.webp" alt="Diagram of an office backing up to the cloud">
<h2>Choosing a provider</h2>
<p>Look for providers that encrypt data before it leaves your network. Check where the data centres are located. Ask how long deleted versions are kept.</p>
<ul><li>Encryption at rest and in transit</li><li>Version history of at least 30 days</li><li>Clear pricing per user or per terabyte</li></ul>
<h3>Questions to ask before you sign</h3>
<p>Ask how a full restore works and how long it takes. Ask whether you can restore a single file from a given day. The <a href="https://www.cisa.gov/resources-tools">CISA resource library</a> lists further checks.</p>
<h2>Scheduling and testing backups</h2>
<p>Run backups every night and keep at least one weekly copy for a month. Test a restore every quarter. A cloud backup you have never restored is only a hope.</p>
<p>Write down who is responsible for each step. Keep the list next to your incident plan so nobody has to guess during an outage.</p>`,
};

/** The same topic, badly built: h1 in the body, skipped levels, one wall of text, no meta, no alt text. */
export const WEAK_ARTICLE = {
  title: 'Notes on protecting company files',
  primary_keyword: 'cloud backup',
  meta_title: '',
  meta_description: '',
  content_html: `<h1>Protecting company files</h1>
<p>When people in a small company think about protecting their files they usually start with the idea that the shared drive in the office is safe enough because it has been working for years and nobody has lost anything important so far, but hardware gets old and disks fail without any warning at all, and ransomware can encrypt every shared folder in a few minutes while the staff are still at lunch, and a fire or a flood can destroy the server and the external disk that sits right next to it on the same shelf, which is why a copy of the data in another place is needed and why the people responsible for the office computers should plan how that copy is made and how it would be restored after something goes wrong, including who does what and how long a full restore would take for the accounting files and the customer records that the business cannot work without for more than a day or two.</p>
<h4>Providers</h4>
<p>There are many services that offer storage in a remote data centre and they differ in price and features and it is worth comparing how long they keep deleted versions and whether the data is encrypted before it leaves the office network and where the data centres are located and what a restore of everything costs.</p>
<img src="/media/rack.webp">
<img src="/media/laptop.webp" alt="">`,
};

/** Inserts a content row of the tenant's first site and sector; returns its id. */
export async function insertContent(
  t: TestApp,
  tenant: SeededTenant,
  row: {
    title: string;
    content_html: string;
    primary_keyword?: string;
    secondary_keywords?: string[];
    meta_title?: string;
    meta_description?: string;
    status?: string;
    external_url?: string | null;
    cluster_id?: number | null;
    site?: number;
  },
): Promise<number> {
  const [{ id }] = await t.app.get(DataSource).query<{ id: number }[]>(
    `INSERT INTO igny8_content (account_id, site_id, sector_id, title, content_html, primary_keyword,
       secondary_keywords, meta_title, meta_description, status, external_url, cluster_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [
      tenant.accountId,
      row.site ?? tenant.siteIds[0],
      tenant.sectorIds[row.site ? tenant.siteIds.indexOf(row.site) : 0][0],
      row.title,
      row.content_html,
      row.primary_keyword ?? '',
      JSON.stringify(row.secondary_keywords ?? []),
      row.meta_title ?? '',
      row.meta_description ?? '',
      row.status ?? 'draft',
      row.external_url ?? null,
      row.cluster_id ?? null,
    ],
  );
  return Number(id);
}

/** Turns the tenant's modules on or off (straight in the table). */
export async function setModules(
  t: TestApp,
  tenant: SeededTenant,
  flags: { linker_enabled: boolean; optimizer_enabled: boolean },
): Promise<void> {
  await t.app.get(DataSource).query(
    `INSERT INTO igny8_module_enable_settings (account_id, linker_enabled, optimizer_enabled) VALUES ($1, $2, $3)
     ON CONFLICT (account_id) DO UPDATE SET linker_enabled = $2, optimizer_enabled = $3`,
    [tenant.accountId, flags.linker_enabled, flags.optimizer_enabled],
  );
}

/** What a task used and what the ledger says it cost: the credits expected from its tokens and model. */
export async function expectedCharge(t: TestApp, taskId: string) {
  const db = t.app.get(DataSource);
  const [task] = await db.query<
    {
      tokens_input: number;
      tokens_output: number;
      credits_used: number;
      model_used: string;
      held_credits: number;
    }[]
  >(
    'SELECT tokens_input, tokens_output, credits_used, model_used, held_credits FROM igny8_ai_task_logs WHERE task_id = $1',
    [taskId],
  );
  const [{ per_credit }] = await db.query<{ per_credit: number }[]>(
    `SELECT COALESCE(m.tokens_per_credit, b.default_tokens_per_credit) AS per_credit
       FROM igny8_ai_models m, igny8_billing_configuration b WHERE m.model_name = $1 AND b.id = 1`,
    [task.model_used],
  );
  const ledger = await db.query<{ amount: number; reference_id: string }[]>(
    `SELECT amount, reference_id FROM igny8_credit_transactions WHERE reference_id LIKE $1 ORDER BY id`,
    [`ai:${taskId}:%`],
  );
  return { task, perCredit: Number(per_credit), ledger };
}

/** Expects the task ended failed with `module_disabled` (route message, nothing charged). */
export async function expectModuleDisabledTask(
  t: TestApp,
  task: Record<string, unknown>,
  message: string,
): Promise<void> {
  expect(task).toMatchObject({ status: 'failed', error: message, credits_used: 0 });
  const [log] = await t.app
    .get(DataSource)
    .query<{ error_code: string }[]>('SELECT error_code FROM igny8_ai_task_logs WHERE task_id = $1', [
      task.task_id,
    ]);
  expect(log.error_code).toBe('module_disabled');
}
