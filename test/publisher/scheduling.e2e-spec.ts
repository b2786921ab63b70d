import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InlineJobDriver } from '../../src/common/jobs/inline-job.driver.js';
import { InlineScheduler } from '../../src/common/jobs/inline-scheduler.js';
import { JobsService } from '../../src/common/jobs/jobs.service.js';
import { PublishingClock } from '../../src/modules/publisher/publishing-clock.js';
import { api, type Api, type Json } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { FakeBridge } from '../support/fake-bridge.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';

// The publishing scheduler and the bridge-mode routes against a fake bridge plugin
// (docs/wordpress.md#scheduler): manual scheduling, slots within the limits in the account's time
// zone (across daylight-saving changes), the due-item job, auto-approval followed by auto-publishing,
// publisher/publish/ without duplicates, the integration sync, and a site answering HTML.

interface ContentRow {
  id: string;
  status: string;
  site_status: string;
  external_id: string | null;
  scheduled_publish_at: Date | null;
}

describe('Publishing scheduler and bridge publishing (fake plugin)', () => {
  let t: TestApp;
  let call: Api;
  let db: DataSource;
  let now = new Date('2026-03-06T12:00:00Z');
  let york: SeededTenant;
  let berlin: SeededTenant;
  const bridges = new Map<number, FakeBridge>();

  beforeAll(async () => {
    t = await createTestApp({ redis: false });
    // The scheduled jobs run when the tests say, not on the wall clock.
    t.app.get(InlineScheduler).onApplicationShutdown();
    t.app.get(PublishingClock).now = () => now;
    call = api(t);
    db = t.app.get(DataSource);
    york = await seedTenant(t.app, { sites: 3, sectorsPerSite: 1, grantAll: true });
    berlin = await seedTenant(t.app, { sites: 1, sectorsPerSite: 1 });
    await db.query('UPDATE igny8_accounts SET account_timezone = $1 WHERE id = $2', [
      'America/New_York',
      york.accountId,
    ]);
    await db.query('UPDATE igny8_accounts SET account_timezone = $1 WHERE id = $2', [
      'Europe/Berlin',
      berlin.accountId,
    ]);
    for (const [tenant, index] of [
      [york, 0],
      [york, 1],
      [york, 2],
      [berlin, 0],
    ] as const) {
      await connect(tenant, index);
    }
  });

  afterAll(async () => {
    for (const bridge of bridges.values()) await bridge.close();
    await t?.close();
  });

  const owner = (tenant: SeededTenant) => tenant.users.owner.auth;
  const editor = (tenant: SeededTenant) => tenant.users.editor.auth;

  /** A fresh site key, a fake plugin holding it, and a bridge integration pointing at that plugin. */
  async function connect(tenant: SeededTenant, index: number): Promise<number> {
    const siteId = tenant.siteIds[index];
    const regenerated = await call('POST', `auth/sites/${siteId}/regenerate_api_key/`, owner(tenant));
    expect(regenerated.status).toBe(200);
    const bridge = await FakeBridge.start((regenerated.body.data as Json).api_key as string);
    bridges.set(siteId, bridge);
    const created = await call('POST', 'integration/integrations/', owner(tenant), {
      site_id: siteId,
      platform: 'wordpress',
      auth_mode: 'bridge_api_key',
      external_site_url: bridge.url,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = (created.body.data as Json).id as number;
    const tested = await call('POST', `integration/integrations/${id}/test_connection/`, owner(tenant));
    expect(tested.status, JSON.stringify(tested.body)).toBe(200);
    return id;
  }

  async function integrationOf(siteId: number): Promise<number> {
    const [row] = await db.query<{ id: string }[]>(
      'SELECT id FROM igny8_site_integrations WHERE site_id = $1',
      [siteId],
    );
    return Number(row.id);
  }

  async function publishing(tenant: SeededTenant, index: number, settings: Json): Promise<void> {
    const reply = await call('PATCH', `system/sites/${tenant.siteIds[index]}/settings/`, owner(tenant), {
      publishing: settings,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  }

  async function content(
    tenant: SeededTenant,
    index: number,
    fields: { status?: string; site_status?: string; published_at?: string; external_id?: string } = {},
  ): Promise<number> {
    const [{ id }] = await db.query<{ id: string }[]>(
      `INSERT INTO igny8_content (account_id, site_id, sector_id, title, content_html, status, site_status, published_at, external_id)
       VALUES ($1, $2, $3, $4, '<h2>Intro</h2><p>Body text.</p>', $5, $6, $7, $8) RETURNING id`,
      [
        tenant.accountId,
        tenant.siteIds[index],
        tenant.sectorIds[index][0],
        `Article ${Math.random().toString(36).slice(2, 10)}`,
        fields.status ?? 'approved',
        fields.site_status ?? 'not_published',
        fields.published_at ?? null,
        fields.external_id ?? null,
      ],
    );
    return Number(id);
  }

  async function contents(count: number, tenant: SeededTenant, index: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push(await content(tenant, index));
    return ids;
  }

  const row = async (id: number) =>
    (await db.query<ContentRow[]>('SELECT * FROM igny8_content WHERE id = $1', [id]))[0];

  async function slotsOf(ids: number[]): Promise<string[]> {
    const rows = await db.query<{ at: Date | null; site_status: string }[]>(
      'SELECT scheduled_publish_at AS at, site_status FROM igny8_content WHERE id = ANY($1::bigint[])',
      [ids],
    );
    expect(rows.every((r) => r.site_status === 'scheduled')).toBe(true);
    return rows.map((r) => r.at?.toISOString() ?? 'none').sort();
  }

  async function runJob(name: 'schedule_approved_content' | 'process_scheduled_publications') {
    await t.app.get(JobsService).enqueue(name, {});
    const [outcome] = await t.app.get(InlineJobDriver).drain();
    expect(outcome.state).toBe('completed');
    return outcome.result as Json;
  }

  it('schedules and unschedules approved content through the writer routes', async () => {
    now = new Date('2026-03-06T12:00:00Z');
    const id = await content(york, 0);
    const draft = await content(york, 0, { status: 'draft' });
    const url = `writer/content/${id}/schedule/`;

    for (const at of ['2026-03-06T11:59:00Z', 'tomorrow', '']) {
      const refused = await call('POST', url, editor(york), { scheduled_publish_at: at });
      expect(refused.status, at).toBe(400);
      expect(JSON.stringify(refused.body), at).toContain('scheduled_publish_at');
    }
    const notApproved = await call('POST', `writer/content/${draft}/schedule/`, editor(york), {
      scheduled_publish_at: '2026-03-07T10:00:00Z',
    });
    expect(notApproved.status).toBe(400);
    expect(notApproved.body).toMatchObject({ code: 'invalid_transition' });
    const viewer = await call('POST', url, york.users.viewer.auth, {
      scheduled_publish_at: '2026-03-07T10:00:00Z',
    });
    expect(viewer.status).toBe(403);
    const foreign = await call('POST', url, owner(berlin), { scheduled_publish_at: '2026-03-07T10:00:00Z' });
    expect(foreign.status).toBe(404);

    const scheduled = await call('POST', url, editor(york), { scheduled_publish_at: '2026-03-07T10:00:00Z' });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    expect(scheduled.body.data).toMatchObject({
      id,
      status: 'approved',
      site_status: 'scheduled',
      scheduled_publish_at: '2026-03-07T10:00:00.000Z',
    });
    const moved = await call('POST', url, editor(york), { scheduled_publish_at: '2026-03-08T10:00:00Z' });
    expect(moved.body.data).toMatchObject({ scheduled_publish_at: '2026-03-08T10:00:00.000Z' });

    const off = await call('POST', `writer/content/${id}/unschedule/`, editor(york));
    expect(off.status).toBe(200);
    expect(off.body.data).toMatchObject({ site_status: 'not_published', scheduled_publish_at: null });
    const again = await call('POST', `writer/content/${id}/unschedule/`, editor(york));
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: 'invalid_transition' });
    expect((await call('POST', `writer/content/${id}/unschedule/`, owner(berlin))).status).toBe(404);
    // Not left approved and unscheduled for the slot tests of the same site.
    await db.query(`UPDATE igny8_content SET status = 'draft' WHERE id = $1`, [id]);
  });

  let dstIds: number[] = [];
  let manualId = 0;
  let limitIds: number[] = [];

  it('gives approved content one slot each, at the local time in New York, across the DST change', async () => {
    now = new Date('2026-03-06T12:00:00Z'); // Friday 07:00 EST; clocks go forward on Sunday 8 March
    await publishing(york, 0, {
      auto_publish_enabled: true,
      publish_days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      publish_time_slots: ['09:00'],
      daily_publish_limit: 1,
      weekly_publish_limit: 100,
      monthly_publish_limit: 500,
    });
    manualId = await content(york, 0);
    const manual = await call('POST', `writer/content/${manualId}/schedule/`, editor(york), {
      scheduled_publish_at: '2026-03-07T14:00:00Z', // Saturday 09:00 EST, taken by hand
    });
    expect(manual.status).toBe(200);
    dstIds = await contents(4, york, 0);
    const review = await content(york, 0, { status: 'review' });

    expect(await runJob('schedule_approved_content')).toMatchObject({ scheduled: 4 });
    expect(await slotsOf(dstIds)).toEqual([
      '2026-03-06T14:00:00.000Z', // Fri 09:00 EST
      '2026-03-08T13:00:00.000Z', // Sun 09:00 EDT
      '2026-03-09T13:00:00.000Z',
      '2026-03-10T13:00:00.000Z',
    ]);
    expect((await row(review)).site_status).toBe('not_published');
    // A second run finds nothing left to schedule.
    expect(await runJob('schedule_approved_content')).toMatchObject({ scheduled: 0 });
  });

  it('keeps within the daily and weekly limits on the allowed days and times', async () => {
    await publishing(york, 1, {
      auto_publish_enabled: true,
      publish_days: ['mon', 'wed'],
      publish_time_slots: ['15:00', '10:00'],
      daily_publish_limit: 2,
      weekly_publish_limit: 3,
      monthly_publish_limit: 500,
    });
    limitIds = await contents(6, york, 1);
    expect(await runJob('schedule_approved_content')).toMatchObject({ scheduled: 6 });
    expect(await slotsOf(limitIds)).toEqual([
      '2026-03-09T14:00:00.000Z', // Mon 10:00 EDT
      '2026-03-09T19:00:00.000Z', // Mon 15:00 (daily limit 2)
      '2026-03-11T14:00:00.000Z', // Wed 10:00 (weekly limit 3 reached)
      '2026-03-16T14:00:00.000Z',
      '2026-03-16T19:00:00.000Z',
      '2026-03-18T14:00:00.000Z',
    ]);
  });

  it('keeps within the monthly limit, counting content already published this month', async () => {
    now = new Date('2026-03-30T12:00:00Z'); // Monday 08:00 EDT
    await publishing(york, 2, {
      auto_publish_enabled: true,
      publish_days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      publish_time_slots: ['09:00'],
      daily_publish_limit: 5,
      weekly_publish_limit: 100,
      monthly_publish_limit: 2,
    });
    await content(york, 2, {
      status: 'published',
      site_status: 'published',
      published_at: '2026-03-05T15:00:00Z',
      external_id: '9001',
    });
    const ids = await contents(3, york, 2);
    expect(await runJob('schedule_approved_content')).toMatchObject({ scheduled: 3 });
    expect(await slotsOf(ids)).toEqual([
      '2026-03-30T13:00:00.000Z', // the second of March
      '2026-04-01T13:00:00.000Z', // 31 March: the month is full
      '2026-04-02T13:00:00.000Z',
    ]);
  });

  it('publishes the due items on the five-minute job, once, with one deployment per site', async () => {
    now = new Date('2026-03-09T13:30:00Z');
    const bridge = bridges.get(york.siteIds[0])!;
    const result = await runJob('process_scheduled_publications');
    expect(result).toEqual({ published: 4, failed: 0 });
    const due = [manualId, ...dstIds.slice(0, 3)];
    for (const id of due) {
      expect(await row(id), String(id)).toMatchObject({ status: 'published', site_status: 'published' });
      expect(bridge.postsOf(id)).toHaveLength(1);
      expect(bridge.postsOf(id)[0].status).toBe('publish');
    }
    expect((await row(dstIds[3])).site_status).toBe('scheduled');
    for (const id of limitIds) expect((await row(id)).site_status).toBe('scheduled');
    expect(bridges.get(york.siteIds[1])!.calls('igny8/v1/publish')).toHaveLength(0);
    // Every call carried the site key in both headers.
    expect(bridge.calls('igny8/v1/publish').every((request) => request.key === bridge.key)).toBe(true);

    const records = await db.query<{ trigger: string; status: string }[]>(
      'SELECT trigger, status FROM igny8_publishing_records WHERE content_id = ANY($1::bigint[])',
      [due],
    );
    expect(records).toHaveLength(4);
    expect(records.every((r) => r.trigger === 'scheduled' && r.status === 'published')).toBe(true);
    const deployments = await db.query<{ items_deployed: number; status: string; metadata: Json }[]>(
      'SELECT items_deployed, status, metadata FROM igny8_deployment_records WHERE site_id = $1',
      [york.siteIds[0]],
    );
    expect(deployments).toHaveLength(1);
    expect(deployments[0]).toMatchObject({ items_deployed: 4, status: 'completed' });
    expect([...((deployments[0].metadata.content_ids as number[]) ?? [])].sort()).toEqual([...due].sort());

    const calls = bridge.calls('igny8/v1/publish').length;
    expect(await runJob('process_scheduled_publications')).toEqual({ published: 0, failed: 0 });
    expect(bridge.calls('igny8/v1/publish')).toHaveLength(calls);
  });

  it('auto-approves content entering review and auto-publishes it at the next Berlin slot (DST end)', async () => {
    now = new Date('2026-10-24T10:00:00Z'); // Saturday 12:00 CEST; clocks go back on Sunday 25 October
    await publishing(berlin, 0, {
      auto_approval_enabled: true,
      auto_publish_enabled: true,
      publish_days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      publish_time_slots: ['08:30'],
      daily_publish_limit: 3,
    });
    const id = await content(berlin, 0, { status: 'draft' });
    const reviewed = await call('PATCH', `writer/content/${id}/`, editor(berlin), { status: 'review' });
    expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(200);
    expect(reviewed.body.data).toMatchObject({ status: 'approved', site_status: 'not_published' });

    await runJob('schedule_approved_content');
    expect(await slotsOf([id])).toEqual(['2026-10-25T07:30:00.000Z']); // Sunday 08:30 CET

    now = new Date('2026-10-25T07:29:00Z');
    await runJob('process_scheduled_publications');
    expect((await row(id)).site_status).toBe('scheduled');
    now = new Date('2026-10-25T07:30:00Z');
    await runJob('process_scheduled_publications');
    const after = await row(id);
    expect(after).toMatchObject({ status: 'published', site_status: 'published' });
    const bridge = bridges.get(berlin.siteIds[0])!;
    expect(bridge.postsOf(id)).toHaveLength(1);
    expect(after.external_id).toBe(String(bridge.postsOf(id)[0].id));
  });

  it('publisher/publish/ publishes several items, reports per-item failures and never duplicates', async () => {
    const bridge = bridges.get(berlin.siteIds[0])!;
    const ids = [await content(berlin, 0), await content(berlin, 0), await content(berlin, 0)];
    const draft = await content(berlin, 0, { status: 'draft' });
    const first = await call('POST', 'publisher/publish/', editor(berlin), {
      content_ids: [ids[0], ids[1], ids[0], draft, ids[2]],
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const data = first.body.data as Json;
    expect(data).toMatchObject({ published_count: 3, failed_count: 1 });
    expect(data.deployment_id).toEqual(expect.any(Number));
    const failed = (data.results as Json[]).find((r) => r.content_id === draft);
    expect(failed).toMatchObject({ success: false, publishing_record_id: null });
    const postIds = ids.map((id) => bridge.postsOf(id).map((post) => post.id));
    expect(postIds.every((posts) => posts.length === 1)).toBe(true);

    const again = await call('POST', 'publisher/publish/', editor(berlin), { content_ids: ids });
    expect(again.body.data).toMatchObject({ published_count: 3, failed_count: 0 });
    expect(ids.map((id) => bridge.postsOf(id).map((post) => post.id))).toEqual(postIds);
    for (const [index, id] of ids.entries()) {
      expect((await row(id)).external_id).toBe(String(postIds[index][0]));
    }
    expect(bridge.postsOf(draft)).toHaveLength(0);
  });

  it('syncs: site structure, categories and tags with their names decoded, remote statuses', async () => {
    const siteId = berlin.siteIds[0];
    const bridge = bridges.get(siteId)!;
    bridge.categories = [
      { id: 11, name: 'News &amp; Views', slug: 'news-views' },
      { id: 12, name: 'Caf&#233; &#8220;Culture&#8221;', slug: 'cafe-culture' },
    ];
    bridge.tags = [
      { id: 21, name: 'R&amp;D', slug: 'r-d' },
      { id: 22, name: 'Tom &quot;n&quot; Jerry&#039;s', slug: 'tom' },
    ];
    const integrationId = await integrationOf(siteId);
    const started = await call('POST', `integration/integrations/${integrationId}/sync/`, editor(berlin), {
      direction: 'metadata',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await t.app.get(InlineJobDriver).drain();
    const status = await call(
      'GET',
      `integration/integrations/${integrationId}/sync_status/`,
      editor(berlin),
    );
    expect(status.status).toBe(200);
    expect(status.body.data).toMatchObject({
      integration_id: integrationId,
      sync_status: 'completed',
      sync_error: null,
    });
    const events = ((status.body.data as Json).recent_events as Json[]).map((e) => e.event_type);
    expect(events).toContain('site_structure');
    const terms = await db.query<{ name: string; taxonomy_type: string; external_id: string }[]>(
      `SELECT name, taxonomy_type, external_id FROM igny8_content_taxonomy_terms
        WHERE site_id = $1 AND external_id IS NOT NULL ORDER BY external_id`,
      [siteId],
    );
    expect(terms).toEqual([
      { name: 'News & Views', taxonomy_type: 'category', external_id: '11' },
      { name: 'Café “Culture”', taxonomy_type: 'category', external_id: '12' },
      { name: 'R&D', taxonomy_type: 'tag', external_id: '21' },
      { name: 'Tom "n" Jerry\'s', taxonomy_type: 'tag', external_id: '22' },
    ]);
    const types = await call(
      'GET',
      `integration/integrations/${integrationId}/get_content_types/`,
      editor(berlin),
    );
    expect(types.body.data).toMatchObject({ taxonomies: { category: { count: 2 } } });

    // The remote status of a published post changes in WordPress; from_external reads it back.
    const published = await db.query<{ id: string; external_id: string }[]>(
      `SELECT id, external_id FROM igny8_content WHERE site_id = $1 AND site_status = 'published' ORDER BY id LIMIT 1`,
      [siteId],
    );
    const contentId = Number(published[0].id);
    bridge.posts.get(Number(published[0].external_id))!.status = 'draft';
    const back = await call('POST', `integration/integrations/${integrationId}/sync/`, editor(berlin), {
      direction: 'from_external',
    });
    expect(back.status).toBe(202);
    await t.app.get(InlineJobDriver).drain();
    expect(await row(contentId)).toMatchObject({ status: 'approved', site_status: 'not_published' });
    const [record] = await db.query<{ status: string }[]>(
      `SELECT status FROM igny8_publishing_records WHERE content_id = $1 ORDER BY id DESC LIMIT 1`,
      [contentId],
    );
    expect(record.status).toBe('retracted');
  });

  it('answers 502 publish_failed (invalid_response) when WordPress answers HTML instead of JSON', async () => {
    const bridge = bridges.get(berlin.siteIds[0])!;
    const id = await content(berlin, 0);
    bridge.html = true;
    const failed = await call('POST', `writer/content/${id}/publish/`, editor(berlin), {});
    bridge.html = false;
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ code: 'publish_failed' });
    const details = (failed.body as { details: Json }).details;
    expect(details).toMatchObject({ reason: 'invalid_response', http_status: 200 });
    expect(await row(id)).toMatchObject({ site_status: 'failed', external_id: null });
    const [record] = await db.query<{ status: string; metadata: Json }[]>(
      'SELECT status, metadata FROM igny8_publishing_records WHERE id = $1',
      [details.publishing_record_id],
    );
    expect(record).toMatchObject({ status: 'failed', metadata: { reason: 'invalid_response' } });
    expect(bridge.postsOf(id)).toHaveLength(0);

    const retried = await call('POST', `writer/content/${id}/publish/`, editor(berlin), {});
    expect(retried.status).toBe(200);
    expect(bridge.postsOf(id)).toHaveLength(1);
  });
});
