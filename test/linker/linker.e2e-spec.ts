import { parseFragment, serialize } from 'parse5';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';
import { api, type Api, credits, holdJobs, type Json, settle, start } from '../ai/support.js';
import {
  expectedCharge,
  expectModuleDisabledTask,
  insertContent,
  setModules,
} from '../optimizer/articles.js';

const DISABLED = 'The Linker module is not enabled for this account.';
const URLS = {
  recovery: 'https://blog.example.com/disaster-recovery-planning',
  ransomware: 'https://blog.example.com/ransomware-protection',
  encryption: 'https://blog.example.com/data-encryption',
};

/** A realistic article: keywords of other pages in paragraphs, in a heading, inside a link and an attribute. */
const SOURCE_HTML = `<p>Every small business depends on its files. A sound <strong>cloud backup</strong> routine is the cheapest insurance you can buy, and it is the first step of any serious disaster recovery effort.</p>
<h2>Ransomware protection basics</h2>
<p>Attackers now target small offices because their defences are thin. Good ransomware protection starts with versioned backups that an infected laptop cannot overwrite.</p>
<figure><img src="/media/vault.webp" alt="A vault symbolising data encryption"><figcaption>Keys stay with you.</figcaption></figure>
<p>Read our <a href="https://docs.example.org/crypto">primer on data encryption</a> before you choose a provider. Keep one copy in offsite storage as well.</p>
<ul><li>Test a restore every quarter.</li><li>Write down who does what after an outage.</li></ul>
<p>Backup software from the big vendors is fine for most teams.</p>`;

function links(html: string): { href: string; text: string }[] {
  return [...html.matchAll(/<a href="([^"]*)">([\s\S]*?)<\/a>/g)].map((m) => ({ href: m[1], text: m[2] }));
}

/** The HTML with the given inserted links unwrapped (their text kept). */
function withoutLinks(html: string, hrefs: string[]): string {
  let out = html;
  for (const href of hrefs) out = out.replace(new RegExp(`<a href="${href}">([\\s\\S]*?)</a>`), '$1');
  return out;
}

describe('linker/', () => {
  let t: TestApp;
  let call: Api;
  let tenant: SeededTenant;
  let other: SeededTenant;
  let cluster: number;
  let db: DataSource;
  const targets: Record<string, number> = {};

  const source = () =>
    insertContent(t, tenant, {
      title: 'Cloud backup for small businesses',
      primary_keyword: 'cloud backup',
      content_html: SOURCE_HTML,
      cluster_id: cluster,
    });

  beforeAll(async () => {
    t = await createTestApp({ redis: false, env: { AI_PROVIDER: 'offline' } });
    call = api(t);
    db = t.app.get(DataSource);
    tenant = await seedTenant(t.app, { sites: 2 });
    other = await seedTenant(t.app);
    [{ id: cluster }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_clusters (account_id, site_id, sector_id, name) VALUES ($1, $2, $3, 'Backups') RETURNING id`,
      [tenant.accountId, tenant.siteIds[0], tenant.sectorIds[0][0]],
    );
    const page = (title: string, keyword: string, status: string, url: string | null, extra = {}) =>
      insertContent(t, tenant, {
        title,
        primary_keyword: keyword,
        content_html: `<p>${title}.</p>`,
        status,
        external_url: url,
        ...extra,
      });
    targets.recovery = await page(
      'Disaster recovery planning',
      'disaster recovery',
      'published',
      URLS.recovery,
      {
        cluster_id: cluster,
      },
    );
    targets.ransomware = await page(
      'Ransomware protection',
      'ransomware protection',
      'approved',
      URLS.ransomware,
    );
    targets.encryption = await page('Data encryption', 'data encryption', 'published', URLS.encryption);
    targets.offsite = await page('Offsite storage', 'offsite storage', 'published', null);
    targets.draft = await page(
      'Backup software',
      'backup software',
      'draft',
      'https://blog.example.com/software',
    );
    targets.otherSite = await page(
      'Cloud backup pricing',
      'small business',
      'published',
      'https://other.example/x',
      {
        site: tenant.siteIds[1],
      },
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers 403 module_disabled while the module is off, and queues nothing', async () => {
    const id = await source();
    for (const [url, body] of [
      ['linker/process/', { content_id: id }],
      ['linker/batch_process/', { content_ids: [id] }],
    ] as const) {
      const reply = await call('POST', url, tenant.users.editor.auth, body);
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ code: 'module_disabled', error: DISABLED });
    }
    expect(
      await db.query('SELECT 1 FROM igny8_ai_task_logs WHERE account_id = $1', [tenant.accountId]),
    ).toEqual([]);
  });

  describe('with the module on', () => {
    beforeAll(async () => {
      await setModules(t, tenant, { linker_enabled: true, optimizer_enabled: false });
      await setModules(t, other, { linker_enabled: true, optimizer_enabled: false });
    });

    it('inserts links at the expected anchors, never inside links, headings or attributes, markup intact', async () => {
      const id = await source();
      const before = await credits(t, tenant);
      const taskId = await start(call, 'linker/process/', tenant.users.editor.auth, { content_id: id });
      const task = await settle(t, call, taskId, tenant.users.editor.auth);
      expect(task.status, JSON.stringify(task)).toBe('completed');

      const [content] = await db.query<{ content_html: string; internal_links: Json[] }[]>(
        'SELECT content_html, internal_links FROM igny8_content WHERE id = $1',
        [id],
      );
      const html = content.content_html;
      const added = links(html).filter((link) => Object.values(URLS).includes(link.href));
      expect(added).toEqual([
        { href: URLS.recovery, text: 'disaster recovery' },
        { href: URLS.ransomware, text: 'ransomware protection' },
      ]);
      // The second mention (in a paragraph) is linked; the heading stays plain text.
      expect(html).toContain('<h2>Ransomware protection basics</h2>');
      expect(html).toContain(`Good <a href="${URLS.ransomware}">ransomware protection</a> starts with`);
      expect(html).toContain(`serious <a href="${URLS.recovery}">disaster recovery</a> effort.`);
      // Text inside an existing link and inside an attribute is left alone.
      expect(html).toContain('<a href="https://docs.example.org/crypto">primer on data encryption</a>');
      expect(html).toContain('alt="A vault symbolising data encryption"');
      expect(html).not.toContain(URLS.encryption);
      // Neither a draft page nor a page of another site is a target.
      expect(html).not.toContain('blog.example.com/software');
      expect(html).not.toContain('other.example');
      // Markup intact: removing the inserted links gives back the original document.
      expect(withoutLinks(html, [URLS.recovery, URLS.ransomware])).toBe(
        serialize(parseFragment(SOURCE_HTML)),
      );
      expect(serialize(parseFragment(html))).toBe(html);
      expect(html).not.toMatch(/<a [^>]*>[^<]*<a /);

      expect(content.internal_links).toEqual([
        { anchor_text: 'disaster recovery', target_content_id: targets.recovery, target_url: URLS.recovery },
        {
          anchor_text: 'ransomware protection',
          target_content_id: targets.ransomware,
          target_url: URLS.ransomware,
        },
      ]);

      const [result] = (task.result as { results: Json[] }).results;
      expect(result.content_id).toBe(id);
      expect(result.links_added).toBe(2);
      const opportunities = result.link_opportunities as Json[];
      expect(opportunities.map((o) => o.target_content_id)).toEqual([
        targets.recovery,
        targets.ransomware,
        targets.offsite,
      ]);
      // Same-cluster target first; ranked by confidence; a target without a URL is reported, not linked.
      expect(opportunities[0]).toMatchObject({
        anchor_text: 'disaster recovery',
        target_url: URLS.recovery,
        inserted: true,
      });
      expect(opportunities[0].confidence).toBeGreaterThan(opportunities[1].confidence as number);
      expect(opportunities[2]).toMatchObject({
        anchor_text: 'offsite storage',
        target_url: null,
        inserted: false,
      });
      for (const o of opportunities) {
        expect(o.confidence).toBeGreaterThan(0);
        expect(o.confidence).toBeLessThanOrEqual(1);
        expect(typeof o.position).toBe('number');
      }
      expect((task.result as Json).errors).toEqual([]);

      // Charged exactly once, from the call's tokens; the hold is released.
      const { task: log, perCredit, ledger } = await expectedCharge(t, taskId);
      const cost = Math.max(1, Math.ceil((log.tokens_input + log.tokens_output) / perCredit));
      expect(ledger).toEqual([{ amount: -cost, reference_id: `ai:${taskId}:content:${id}` }]);
      const after = await credits(t, tenant);
      expect(after.credits).toBe(before.credits - cost);
      expect(after.held_credits).toBe(0);
      expect(after.usage.at(-1)).toMatchObject({ credits_used: cost, operation_type: 'linking' });

      // Linking again adds nothing: every target is already linked.
      const again = await start(call, 'linker/process/', tenant.users.editor.auth, { content_id: id });
      const second = await settle(t, call, again, tenant.users.editor.auth);
      expect((second.result as { results: Json[] }).results[0].links_added).toBe(0);
      const [unchanged] = await db.query<{ content_html: string }[]>(
        'SELECT content_html FROM igny8_content WHERE id = $1',
        [id],
      );
      expect(unchanged.content_html).toBe(html);
    });

    it('stops at max_links, keeping the highest-confidence link', async () => {
      const id = await source();
      const taskId = await start(call, 'linker/process/', tenant.users.editor.auth, {
        content_id: id,
        max_links: 1,
      });
      const task = await settle(t, call, taskId, tenant.users.editor.auth);
      const [result] = (task.result as { results: Json[] }).results;
      expect(result.links_added).toBe(1);
      const [content] = await db.query<{ content_html: string }[]>(
        'SELECT content_html FROM igny8_content WHERE id = $1',
        [id],
      );
      expect(links(content.content_html).filter((l) => l.href.startsWith('https://blog.'))).toEqual([
        { href: URLS.recovery, text: 'disaster recovery' },
      ]);
    });

    it('uses longer anchors containing the keyword with partial_match', async () => {
      const id = await source();
      const taskId = await start(call, 'linker/process/', tenant.users.editor.auth, {
        content_id: id,
        anchor_strategy: 'partial_match',
      });
      const task = await settle(t, call, taskId, tenant.users.editor.auth);
      const [result] = (task.result as { results: Json[] }).results;
      const inserted = (result.link_opportunities as Json[]).filter((o) => o.inserted);
      expect(inserted.length).toBe(2);
      for (const o of inserted) {
        const keyword =
          o.target_content_id === targets.recovery ? 'disaster recovery' : 'ransomware protection';
        expect((o.anchor_text as string).toLowerCase()).toContain(keyword);
        expect((o.anchor_text as string).length).toBeGreaterThan(keyword.length);
      }
      const [content] = await db.query<{ content_html: string }[]>(
        'SELECT content_html FROM igny8_content WHERE id = $1',
        [id],
      );
      expect(content.content_html).toContain('<h2>Ransomware protection basics</h2>');
      expect(content.content_html).toContain(
        `<a href="${URLS.recovery}">serious disaster recovery effort</a>`,
      );
    });

    it('batch: content without HTML is an item error and costs nothing; the rest is linked', async () => {
      const id = await source();
      const empty = await insertContent(t, tenant, { title: 'Empty draft', content_html: '' });
      const before = await credits(t, tenant);
      const taskId = await start(call, 'linker/batch_process/', tenant.users.editor.auth, {
        content_ids: [id, empty],
      });
      const task = await settle(t, call, taskId, tenant.users.editor.auth);
      expect(task.status).toBe('completed');
      const result = task.result as { results: Json[]; errors: Json[] };
      expect(result.results.map((r) => r.content_id)).toEqual([id]);
      expect(result.errors).toEqual([
        {
          item_type: 'content',
          item_id: empty,
          error: 'This content has no HTML body to add links to.',
          code: 'invalid_state',
        },
      ]);
      const { task: log, perCredit, ledger } = await expectedCharge(t, taskId);
      const cost = Math.max(1, Math.ceil((log.tokens_input + log.tokens_output) / perCredit));
      expect(ledger).toEqual([{ amount: -cost, reference_id: `ai:${taskId}:content:${id}` }]);
      const after = await credits(t, tenant);
      expect(after.credits).toBe(before.credits - cost);
      expect(after.held_credits).toBe(0);
      const [row] = await db.query<{ content_html: string; internal_links: unknown[] }[]>(
        'SELECT content_html, internal_links FROM igny8_content WHERE id = $1',
        [empty],
      );
      expect(row).toEqual({ content_html: '', internal_links: [] });
    });

    it('batch of only empty content reports the item and charges nothing', async () => {
      const empty = await insertContent(t, tenant, { title: 'Empty', content_html: ' ' });
      const before = await credits(t, tenant);
      const taskId = await start(call, 'linker/batch_process/', tenant.users.editor.auth, {
        content_ids: [empty],
      });
      const task = await settle(t, call, taskId, tenant.users.editor.auth);
      expect((task.result as { errors: Json[] }).errors).toEqual([
        expect.objectContaining({ item_type: 'content', item_id: empty, code: 'invalid_state' }),
      ]);
      expect(task.credits_used).toBe(0);
      const ledger = await db.query('SELECT 1 FROM igny8_credit_transactions WHERE reference_id LIKE $1', [
        `ai:${taskId}:%`,
      ]);
      expect(ledger).toEqual([]);
      const after = await credits(t, tenant);
      expect(after.credits).toBe(before.credits);
      expect(after.held_credits).toBe(0);
    });

    it('validates the body and refuses foreign content and viewers', async () => {
      const id = await source();
      const foreign = await insertContent(t, other, { title: 'Theirs', content_html: SOURCE_HTML });
      const editor = tenant.users.editor.auth;
      const cases: [string, Json, string][] = [
        ['linker/process/', { content_id: foreign }, 'content_id'],
        ['linker/process/', {}, 'content_id'],
        ['linker/process/', { content_id: id, max_links: 0 }, 'max_links'],
        ['linker/process/', { content_id: id, max_links: 21 }, 'max_links'],
        ['linker/process/', { content_id: id, max_links: '3' }, 'max_links'],
        ['linker/process/', { content_id: id, anchor_strategy: 'fuzzy' }, 'anchor_strategy'],
        ['linker/batch_process/', { content_ids: [] }, 'content_ids'],
        ['linker/batch_process/', { content_ids: [id, foreign] }, 'content_ids'],
        [
          'linker/batch_process/',
          { content_ids: Array.from({ length: 21 }, (_, n) => n + 1) },
          'content_ids',
        ],
        ['linker/batch_process/', { content_ids: 'x' }, 'content_ids'],
      ];
      const before = await credits(t, tenant);
      for (const [url, body, field] of cases) {
        const reply = await call('POST', url, editor, body);
        expect(reply.status, `${url} ${JSON.stringify(body)}`).toBe(400);
        expect(Object.keys(reply.body.errors as Json)).toContain(field);
      }
      const viewer = await call('POST', 'linker/process/', tenant.users.viewer.auth, { content_id: id });
      expect(viewer.status).toBe(403);
      expect(viewer.body.code).toBe('permission_denied');
      expect(await credits(t, tenant)).toEqual(before);
    });

    it('a task whose module was switched off before it started ends failed module_disabled, hold released', async () => {
      const id = await source();
      const before = await credits(t, tenant);
      const jobs = holdJobs(t);
      const taskId = await start(call, 'linker/process/', tenant.users.editor.auth, { content_id: id });
      expect((await credits(t, tenant)).held_credits).toBeGreaterThan(0);
      const off = await call('PATCH', 'system/settings/modules/', tenant.users.admin.auth, {
        linker_enabled: false,
      });
      expect(off.status).toBe(200);
      try {
        const outcomes = await jobs.release();
        expect(outcomes.map((outcome) => outcome.result)).toEqual([{ status: 'failed' }]);
        const task = await settle(t, call, taskId, tenant.users.editor.auth);
        await expectModuleDisabledTask(t, task, DISABLED);
        expect(await credits(t, tenant)).toEqual(before);
        const [row] = await db.query<{ content_html: string; internal_links: unknown[] }[]>(
          'SELECT content_html, internal_links FROM igny8_content WHERE id = $1',
          [id],
        );
        expect(row).toEqual({ content_html: SOURCE_HTML, internal_links: [] });
      } finally {
        await setModules(t, tenant, { linker_enabled: true, optimizer_enabled: false });
      }
    });
  });
});
