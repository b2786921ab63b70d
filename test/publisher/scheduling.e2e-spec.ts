import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InlineJobDriver } from '../../src/common/jobs/inline-job.driver.js';
import { InlineScheduler } from '../../src/common/jobs/inline-scheduler.js';
import { ChannelLogger } from '../../src/common/logging/channel-logger.js';
import { JobsService } from '../../src/common/jobs/jobs.service.js';
import { Clock } from '../../src/common/jobs/clock.js';
import { api, type Api, type Json } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { FakeBridge } from '../support/fake-bridge.js';
import { type SeededTenant, seedTenant } from '../support/tenants.js';

// The publishing scheduler and the bridge-mode routes against a fake bridge plugin
// (docs/publishing.md#scheduler): manual scheduling, slots within the limits in the account's time
// zone (across daylight-saving changes), the due-item job, auto-approval followed by auto-publishing,
// publisher/publish/ without duplicates, the integration sync, and a site answering HTML.

const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

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
    t.app.get(Clock).now = () => now;
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

  /** A fresh site key and a fake plugin holding it. */
  async function keyedBridge(tenant: SeededTenant, index: number): Promise<FakeBridge> {
    const siteId = tenant.siteIds[index];
    const regenerated = await call('POST', `auth/sites/${siteId}/regenerate_api_key/`, owner(tenant));
    expect(regenerated.status).toBe(200);
    const bridge = await FakeBridge.start((regenerated.body.data as Json).api_key as string);
    bridges.set(siteId, bridge);
    return bridge;
  }

  /** A fresh site key, a fake plugin holding it, and a bridge integration pointing at that plugin. */
  async function connect(tenant: SeededTenant, index: number): Promise<number> {
    const siteId = tenant.siteIds[index];
    const bridge = await keyedBridge(tenant, index);
    const created = await call('POST', 'integration/integrations/', owner(tenant), {
      site_id: siteId,
      platform: 'wordpress',
      auth_mode: 'bridge_api_key',
      external_site_url: bridge.url,
      credentials: { username: 'ignored', application_password: 'ignored in bridge mode' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data).toMatchObject({ connection_status: 'pending', external_site_url: bridge.url });
    const id = (created.body.data as Json).id as number;
    const [stored] = await db.query<{ credentials_encrypted: string | null }[]>(
      'SELECT credentials_encrypted FROM igny8_site_integrations WHERE id = $1',
      [id],
    );
    expect(stored.credentials_encrypted).toBeNull();
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
      publish_days: EVERY_DAY,
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
      publish_days: EVERY_DAY,
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
      publish_days: EVERY_DAY,
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
    // A term renamed in WordPress is renamed here, with its count; no second row.
    bridge.categories[0] = { id: 11, name: 'News and Views', slug: 'news-views', count: 7 };
    const resync = await call('POST', `integration/integrations/${integrationId}/sync/`, editor(berlin), {});
    expect(resync.status).toBe(202);
    await t.app.get(InlineJobDriver).drain();
    const renamed = await db.query<{ name: string; count: number }[]>(
      `SELECT name, count FROM igny8_content_taxonomy_terms WHERE site_id = $1 AND external_id = '11'`,
      [siteId],
    );
    expect(renamed).toEqual([{ name: 'News and Views', count: 7 }]);
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

  it('reads the live status and unpublishes through publisher/unpublish/ in bridge mode', async () => {
    const bridge = bridges.get(berlin.siteIds[0])!;
    const id = await content(berlin, 0);
    expect((await call('POST', `writer/content/${id}/publish/`, editor(berlin), {})).status).toBe(200);
    const live = await call('GET', `writer/content/${id}/wordpress_status/`, editor(berlin));
    expect(live.status).toBe(200);
    expect(live.body.data).toMatchObject({ post_status: 'publish', site_status: 'published', in_sync: true });

    const off = await call('POST', 'publisher/unpublish/', editor(berlin), { content_id: id });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect((off.body.data as { content: Json }).content).toMatchObject({
      status: 'approved',
      site_status: 'not_published',
      external_id: null,
    });
    expect((off.body.data as { publishing_record: Json }).publishing_record).toMatchObject({
      status: 'retracted',
    });
    expect(bridge.postsOf(id).map((post) => post.status)).toEqual(['trash']);
    const twice = await call('POST', 'publisher/unpublish/', editor(berlin), { content_id: id });
    expect(twice.status).toBe(400);
    expect(twice.body).toMatchObject({ code: 'not_published' });
    const status = await call('GET', `writer/content/${id}/wordpress_status/`, editor(berlin));
    expect(status.body).toMatchObject({ code: 'not_published' });
  });

  it('falls back to ?rest_route= when /wp-json/ is not routed', async () => {
    const bridge = bridges.get(berlin.siteIds[0])!;
    const id = await content(berlin, 0);
    const before = bridge.calls('igny8/v1/publish').length;
    bridge.prettyPermalinks = false;
    const reply = await call('POST', `writer/content/${id}/publish/`, editor(berlin), {});
    bridge.prettyPermalinks = true;
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(bridge.calls('igny8/v1/publish')).toHaveLength(before + 2); // the HTML 404, then ?rest_route=
    expect(bridge.postsOf(id)).toHaveLength(1);
    // The integration keeps the query form: the next publish goes there at once.
    const integrationId = await integrationOf(berlin.siteIds[0]);
    const [{ config_json }] = await db.query<{ config_json: Json }[]>(
      'SELECT config_json FROM igny8_site_integrations WHERE id = $1',
      [integrationId],
    );
    expect(config_json.rest_style).toBe('query');
    bridge.prettyPermalinks = false;
    const next = await call(
      'POST',
      `writer/content/${await content(berlin, 0)}/publish/`,
      editor(berlin),
      {},
    );
    bridge.prettyPermalinks = true;
    expect(next.status).toBe(200);
    expect(bridge.calls('igny8/v1/publish')).toHaveLength(before + 3);
  });

  it('a key the plugin refuses fails the publish and marks the integration in error', async () => {
    const siteId = berlin.siteIds[0];
    const bridge = bridges.get(siteId)!;
    const id = await content(berlin, 0);
    const key = bridge.key;
    bridge.key = `igny8_sk_${'Z'.repeat(40)}`;
    const refused = await call('POST', `writer/content/${id}/publish/`, editor(berlin), {});
    bridge.key = key;
    expect(refused.status).toBe(502);
    expect((refused.body as { details: Json }).details).toMatchObject({
      http_status: 401,
      reason: 'remote_error',
      error: 'Invalid API key.',
    });
    const integration = await call(
      'GET',
      `integration/integrations/${await integrationOf(siteId)}/`,
      editor(berlin),
    );
    expect(integration.body.data).toMatchObject({ connection_status: 'error' });
    const tested = await call(
      'POST',
      `integration/integrations/${await integrationOf(siteId)}/test_connection/`,
      editor(berlin),
    );
    expect(tested.body.data).toMatchObject({ connection_status: 'connected' });
  });

  it('refuses site URLs with credentials or another scheme, and foreign ids (404)', async () => {
    const integrationId = await integrationOf(york.siteIds[0]);
    const before = await db.query('SELECT * FROM igny8_site_integrations ORDER BY id');
    for (const url of [
      'http://admin:secret@127.0.0.1:8080',
      'https://user@wp.example.com',
      'ftp://wp.example.com',
      'javascript:alert(1)',
      'file:///etc/passwd',
    ]) {
      const created = await call('POST', 'integration/integrations/', owner(york), {
        site_id: york.siteIds[0],
        platform: 'wordpress',
        auth_mode: 'bridge_api_key',
        external_site_url: url,
      });
      expect(created.status, url).toBe(400);
      expect(JSON.stringify(created.body), url).toContain('external_site_url');
      const patched = await call('PATCH', `integration/integrations/${integrationId}/`, owner(york), {
        external_site_url: url,
      });
      expect(patched.status, url).toBe(400);
      expect(JSON.stringify(patched.body), url).toContain('external_site_url');
    }
    expect(await db.query('SELECT * FROM igny8_site_integrations ORDER BY id')).toEqual(before);

    const [{ id: contentId }] = await db.query<{ id: string }[]>(
      `SELECT id FROM igny8_content WHERE site_id = $1 AND external_id IS NOT NULL LIMIT 1`,
      [york.siteIds[0]],
    );
    const stranger = owner(berlin);
    for (const [method, url, body] of [
      ['GET', `integration/integrations/${integrationId}/`, undefined],
      ['PATCH', `integration/integrations/${integrationId}/`, { is_active: false }],
      ['POST', `integration/integrations/${integrationId}/test_connection/`, {}],
      ['POST', `integration/integrations/${integrationId}/sync/`, {}],
      ['GET', `integration/integrations/${integrationId}/sync_status/`, undefined],
      ['GET', `integration/integrations/${integrationId}/get_content_types/`, undefined],
      ['POST', `writer/content/${contentId}/schedule/`, { scheduled_publish_at: '2027-01-01T00:00:00Z' }],
      ['POST', `writer/content/${contentId}/unschedule/`, {}],
      ['POST', `writer/content/${contentId}/unpublish/`, {}],
      ['GET', `writer/content/${contentId}/wordpress_status/`, undefined],
      ['POST', 'publisher/unpublish/', { content_id: Number(contentId) }],
    ] as const) {
      const reply = await call(method, url, stranger, body);
      expect(reply.status, `${method} ${url}`).toBe(404);
    }
    expect(await db.query('SELECT * FROM igny8_site_integrations ORDER BY id')).toEqual(before);
  });

  it('sends X-Request-ID and User-Agent on every call and logs without the site key', async () => {
    const bridge = bridges.get(berlin.siteIds[0])!;
    const id = await content(berlin, 0);
    const reply = await call(
      'POST',
      `writer/content/${id}/publish/`,
      {
        ...editor(berlin),
        'x-request-id': 'req-publish-42',
      },
      {},
    );
    expect(reply.status).toBe(200);
    expect(bridge.calls('igny8/v1/publish').at(-1)?.requestId).toBe('req-publish-42');
    for (const request of [...bridges.values()].flatMap((b) => b.requests)) {
      expect(request.userAgent).toMatch(/^IGNY8\//);
      expect(request.requestId).toBeTruthy();
    }
    await t.app.get(ChannelLogger).flush();
    const api = readFileSync(join(t.config.log.dir, 'wordpress-api.log'), 'utf8');
    const sync = readFileSync(join(t.config.log.dir, 'publish-sync.log'), 'utf8');
    expect(api).toContain('req-publish-42');
    expect(sync).toContain(`"content_id":${id}`);
    for (const bridgeKey of [...bridges.values()].map((b) => b.key)) {
      expect(api).not.toContain(bridgeKey);
      expect(sync).not.toContain(bridgeKey);
    }
    expect(api).not.toMatch(/Bearer /);
  });

  it('refuses a second publish while one is under way (409), and makes one post', async () => {
    const bridge = bridges.get(berlin.siteIds[0])!;
    const id = await content(berlin, 0);
    let release = () => {};
    bridge.hold = new Promise<void>((resolve) => (release = resolve));
    const before = bridge.calls('igny8/v1/publish').length;
    const first = call('POST', `writer/content/${id}/publish/`, editor(berlin), {});
    while (bridge.calls('igny8/v1/publish').length === before) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const second = await call('POST', `writer/content/${id}/publish/`, editor(berlin), {});
    const many = await call('POST', 'publisher/publish/', editor(berlin), { content_ids: [id] });
    bridge.hold = null;
    release();
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'invalid_state' });
    expect(many.body.data).toMatchObject({ published_count: 0, failed_count: 1 });
    expect((await first).status).toBe(200);
    expect(bridge.postsOf(id)).toHaveLength(1);
    expect(bridge.calls('igny8/v1/publish')).toHaveLength(before + 1);
    expect(await row(id)).toMatchObject({ site_status: 'published' });
  });

  it('takes the site structure from the site key, and lists the sync events of an integration', async () => {
    const siteId = york.siteIds[1];
    const bridge = bridges.get(siteId)!;
    const integrationId = await integrationOf(siteId);
    const url = `integration/integrations/${integrationId}/update_site_structure/`;
    const structure = {
      post_types: { post: { label: 'Posts', count: 12 }, page: { label: 'Pages', count: 3 } },
      taxonomies: { category: { label: 'Categories', count: 4 } },
      plugin_version: '1.0.1',
      wp_version: '6.1.9',
    };
    const pushed = await call('POST', url, { authorization: `Bearer ${bridge.key}` }, structure);
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    expect(pushed.body.data).toMatchObject({
      integration_id: integrationId,
      content_types: { post_types: structure.post_types, taxonomies: structure.taxonomies },
    });
    const types = await call(
      'GET',
      `integration/integrations/${integrationId}/get_content_types/`,
      york.users.viewer.auth,
    );
    expect(types.body.data).toMatchObject({ post_types: { page: { count: 3 } } });

    const wrongKey = await call(
      'POST',
      url,
      { authorization: `Bearer igny8_sk_${'Q'.repeat(40)}` },
      structure,
    );
    expect(wrongKey.status).toBe(401);
    const otherSiteKey = bridges.get(york.siteIds[0])!.key;
    const otherSite = await call('POST', url, { authorization: `Bearer ${otherSiteKey}` }, structure);
    expect(otherSite.status).toBe(404);
    for (const bad of [
      { post_types: 'posts', taxonomies: {} },
      { post_types: { post: { label: 'Posts', count: -1 } }, taxonomies: {} },
      { taxonomies: {} },
    ]) {
      const refused = await call('POST', url, owner(york), bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }

    const events = await call(
      'GET',
      `integration/sync-events/?integration_id=${integrationId}&event_type=site_structure`,
      owner(york),
    );
    expect(events.status).toBe(200);
    const rows = events.body.results as Json[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      integration_id: integrationId,
      direction: 'from_external',
      status: 'success',
    });
    const foreign = await call(
      'GET',
      `integration/sync-events/?integration_id=${integrationId}`,
      owner(berlin),
    );
    expect(foreign.body.results).toEqual([]);
  });

  it('sync to_external republishes failed content (trigger manual); both runs every direction', async () => {
    const siteId = berlin.siteIds[0];
    const bridge = bridges.get(siteId)!;
    const integrationId = await integrationOf(siteId);
    const id = await content(berlin, 0);
    bridge.html = true;
    expect((await call('POST', `writer/content/${id}/publish/`, editor(berlin), {})).status).toBe(502);
    bridge.html = false;
    expect((await row(id)).site_status).toBe('failed');

    const [{ failed }] = await db.query<{ failed: number }[]>(
      `SELECT count(*)::int AS failed FROM igny8_content WHERE site_id = $1 AND site_status = 'failed'`,
      [siteId],
    );
    const started = await call('POST', `integration/integrations/${integrationId}/sync/`, editor(berlin), {
      direction: 'both',
    });
    expect(started.status).toBe(202);
    const [outcome] = await t.app.get(InlineJobDriver).drain();
    expect(outcome.result).toMatchObject({
      republished: failed,
      terms: bridge.categories.length + bridge.tags.length,
    });
    expect((outcome.result as Json).checked).toEqual(expect.any(Number));
    expect(await row(id)).toMatchObject({ status: 'published', site_status: 'published' });
    expect(bridge.postsOf(id)).toHaveLength(1);
    const records = await db.query<{ status: string; trigger: string }[]>(
      'SELECT status, trigger FROM igny8_publishing_records WHERE content_id = $1 ORDER BY id',
      [id],
    );
    expect(records).toEqual([
      { status: 'failed', trigger: 'manual' },
      { status: 'published', trigger: 'manual' },
    ]);
  });

  it('publishes to an older plugin through the legacy publish-content/ route and its bare answer', async () => {
    const bridge = bridges.get(berlin.siteIds[0])!;
    const id = await content(berlin, 0);
    bridge.legacy = true;
    const reply = await call('POST', `writer/content/${id}/publish/`, editor(berlin), {});
    bridge.legacy = false;
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(bridge.calls('igny8/v1/publish-content').at(-1)?.body).toMatchObject({ content_id: id });
    const [post] = bridge.postsOf(id);
    expect((reply.body.data as { content: Json }).content).toMatchObject({
      site_status: 'published',
      external_id: String(post.id),
      external_url: `${bridge.url}/?p=${post.id}`,
    });
  });

  it('treats a post deleted in WordPress as gone: status check unlinks it, unpublish succeeds', async () => {
    const bridge = bridges.get(berlin.siteIds[0])!;
    const [first, second] = [await content(berlin, 0), await content(berlin, 0)];
    for (const id of [first, second]) {
      expect((await call('POST', `writer/content/${id}/publish/`, editor(berlin), {})).status).toBe(200);
      bridge.posts.delete(bridge.postsOf(id)[0].id);
    }
    const live = await call('GET', `writer/content/${first}/wordpress_status/`, editor(berlin));
    expect(live.status).toBe(200);
    expect(live.body.data).toMatchObject({
      post_status: 'deleted',
      site_status: 'not_published',
      external_id: null,
    });
    expect(await row(first)).toMatchObject({ status: 'approved', external_id: null });

    const off = await call('POST', `writer/content/${second}/unpublish/`, editor(berlin));
    expect(off.status).toBe(200);
    expect((off.body.data as { content: Json }).content).toMatchObject({
      site_status: 'not_published',
      external_id: null,
    });
    for (const id of [first, second]) {
      const statuses = await db.query<{ status: string }[]>(
        'SELECT status FROM igny8_publishing_records WHERE content_id = $1',
        [id],
      );
      expect(statuses.map((r) => r.status)).toEqual(['retracted']);
    }
  });

  it('lets the site key publish, validates publisher/publish/ bodies, and refuses a second sync (409)', async () => {
    const siteId = berlin.siteIds[0];
    const bridge = bridges.get(siteId)!;
    const key = { authorization: `Bearer ${bridge.key}` };
    const id = await content(berlin, 0);
    const published = await call('POST', 'publisher/publish/', key, { content_ids: [id], status: 'draft' });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.data).toMatchObject({ published_count: 1, deployment_id: null });
    expect(bridge.postsOf(id)[0].status).toBe('draft');
    expect(await row(id)).toMatchObject({ status: 'approved', site_status: 'not_published' });
    // Published, then republished as a draft: the post is no longer public, its record is retracted.
    const again = await content(berlin, 0);
    expect((await call('POST', 'publisher/publish/', key, { content_ids: [again] })).status).toBe(200);
    const drafted = await call('POST', `writer/content/${again}/publish/`, key, { status: 'draft' });
    expect(drafted.status).toBe(200);
    expect(await row(again)).toMatchObject({ status: 'approved', site_status: 'not_published' });
    const records = await db.query<{ status: string }[]>(
      'SELECT status FROM igny8_publishing_records WHERE content_id = $1 ORDER BY id',
      [again],
    );
    expect(records.map((r) => r.status)).toEqual(['retracted', 'published']);
    const otherKey = { authorization: `Bearer ${bridges.get(york.siteIds[0])!.key}` };
    const foreign = await call('POST', 'publisher/publish/', otherKey, { content_ids: [id] });
    expect(foreign.body.data).toMatchObject({ published_count: 0, failed_count: 1 });

    for (const body of [
      { content_ids: [] },
      { content_ids: Array.from({ length: 21 }, (_, i) => i + 1) },
      { content_ids: [id], destination: 'medium' },
      { content_ids: [id], status: 'future' },
      { content_ids: ['x'] },
    ]) {
      const refused = await call('POST', 'publisher/publish/', editor(berlin), body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }

    const integrationId = await integrationOf(siteId);
    await db.query(`UPDATE igny8_site_integrations SET sync_status = 'syncing' WHERE id = $1`, [
      integrationId,
    ]);
    const busy = await call('POST', `integration/integrations/${integrationId}/sync/`, editor(berlin), {});
    await db.query(`UPDATE igny8_site_integrations SET sync_status = 'completed' WHERE id = $1`, [
      integrationId,
    ]);
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ code: 'invalid_state' });
    const badDirection = await call(
      'POST',
      `integration/integrations/${integrationId}/sync/`,
      editor(berlin),
      {
        direction: 'sideways',
      },
    );
    expect(badDirection.status).toBe(400);
  });

  it('never retries a write after a network failure, and retries a read once', async () => {
    const bridge = bridges.get(berlin.siteIds[0])!;
    const id = await content(berlin, 0);
    const before = bridge.calls('igny8/v1/publish').length;
    bridge.dropNext.add('igny8/v1/publish');
    const dropped = await call('POST', `writer/content/${id}/publish/`, editor(berlin), {});
    expect(dropped.status).toBe(502);
    expect((dropped.body as { details: Json }).details).toMatchObject({
      reason: 'unreachable',
      http_status: null,
    });
    expect(bridge.calls('igny8/v1/publish')).toHaveLength(before + 1);
    expect(bridge.postsOf(id)).toHaveLength(0);

    expect((await call('POST', `writer/content/${id}/publish/`, editor(berlin), {})).status).toBe(200);
    const postId = bridge.postsOf(id)[0].id;
    bridge.dropNext.add(`igny8/v1/post-status/${postId}`);
    const live = await call('GET', `writer/content/${id}/wordpress_status/`, editor(berlin));
    expect(live.status).toBe(200);
    expect(live.body.data).toMatchObject({ post_status: 'publish' });
    expect(bridge.calls(`igny8/v1/post-status/${postId}`)).toHaveLength(2);
  });

  it('without an integration publishes in bridge mode to the site domain; without a domain answers 400', async () => {
    const solo = await seedTenant(t.app, { sectorsPerSite: 1 });
    const siteId = solo.siteIds[0];
    const bridge = await keyedBridge(solo, 0);
    await db.query('UPDATE igny8_sites SET domain = NULL WHERE id = $1', [siteId]);
    const id = await content(solo, 0);
    const refused = await call('POST', `writer/content/${id}/publish/`, editor(solo), {});
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'validation_error',
      errors: { non_field_errors: ['The site has no WordPress URL.'] },
    });
    expect(await row(id)).toMatchObject({ site_status: 'not_published' });

    await db.query('UPDATE igny8_sites SET domain = $1 WHERE id = $2', [bridge.url, siteId]);
    const published = await call('POST', `writer/content/${id}/publish/`, editor(solo), {});
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(bridge.postsOf(id)).toHaveLength(1);
    expect(bridge.calls('igny8/v1/publish')[0].key).toBe(bridge.key);
    const [record] = await db.query<{ metadata: Json }[]>(
      'SELECT metadata FROM igny8_publishing_records WHERE content_id = $1',
      [id],
    );
    expect(record.metadata).toMatchObject({ mode: 'bridge_api_key' });
  });

  it('refuses content it cannot publish, before calling WordPress', async () => {
    const bridge = bridges.get(berlin.siteIds[0])!;
    const before = bridge.requests.length;
    const draft = await content(berlin, 0, { status: 'draft' });
    const taxonomy = await content(berlin, 0);
    await db.query(`UPDATE igny8_content SET content_type = 'taxonomy' WHERE id = $1`, [taxonomy]);
    const empty = await content(berlin, 0);
    await db.query(`UPDATE igny8_content SET content_html = '  ' WHERE id = $1`, [empty]);
    const busy = await content(berlin, 0, { site_status: 'publishing' });
    for (const [id, code] of [
      [draft, 'invalid_transition'],
      [taxonomy, 'platform_not_supported'],
      [empty, 'validation_error'],
      [busy, 'invalid_state'],
    ] as const) {
      const reply = await call('POST', `writer/content/${id}/publish/`, editor(berlin), {});
      expect(reply.body, String(id)).toMatchObject({ code });
      expect(reply.status, String(id)).toBe(code === 'invalid_state' ? 409 : 400);
    }
    await db.query(`UPDATE igny8_sites SET platform_type = 'shopify' WHERE id = $1`, [berlin.siteIds[0]]);
    const shopify = await call(
      'POST',
      `writer/content/${await content(berlin, 0)}/publish/`,
      editor(berlin),
      {},
    );
    await db.query(`UPDATE igny8_sites SET platform_type = 'wordpress' WHERE id = $1`, [berlin.siteIds[0]]);
    expect(shopify.status).toBe(400);
    expect(shopify.body).toMatchObject({ code: 'platform_not_supported' });
    expect(bridge.requests).toHaveLength(before);
  });

  it('auto-approves on create and bulk_update where the site says so; inactive sites get no slots', async () => {
    const created = await call('POST', 'writer/content/', editor(berlin), {
      site_id: berlin.siteIds[0],
      sector_id: berlin.sectorIds[0][0],
      title: 'Created for review',
      content_html: '<p>Body.</p>',
      status: 'review',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data).toMatchObject({ status: 'approved' });

    const berlinDraft = await content(berlin, 0, { status: 'draft' });
    const yorkDraft = await content(york, 0, { status: 'draft' });
    for (const [tenant, id] of [
      [berlin, berlinDraft],
      [york, yorkDraft],
    ] as const) {
      const bulk = await call('POST', 'writer/content/bulk_update/', owner(tenant), {
        ids: [id],
        status: 'review',
      });
      expect(bulk.body.data).toMatchObject({ updated_count: 1 });
    }
    expect((await row(berlinDraft)).status).toBe('approved');
    expect((await row(yorkDraft)).status).toBe('review'); // New York's sites do not auto-approve

    // An inactive auto-publishing site keeps its approved content unscheduled.
    now = new Date('2026-11-02T12:00:00Z');
    await db.query('UPDATE igny8_sites SET is_active = false WHERE id = $1', [berlin.siteIds[0]]);
    await runJob('schedule_approved_content');
    await db.query('UPDATE igny8_sites SET is_active = true WHERE id = $1', [berlin.siteIds[0]]);
    expect((await row(berlinDraft)).site_status).toBe('not_published');
    await runJob('schedule_approved_content');
    expect((await row(berlinDraft)).site_status).toBe('scheduled');
  });

  it('publishes at most 50 due items a run, oldest first', async () => {
    const many = await seedTenant(t.app, { sectorsPerSite: 1 });
    const siteId = many.siteIds[0];
    const bridge = await keyedBridge(many, 0);
    await db.query('UPDATE igny8_sites SET domain = $1 WHERE id = $2', [bridge.url, siteId]);
    const rows = await db.query<{ id: string }[]>(
      `INSERT INTO igny8_content (account_id, site_id, sector_id, title, content_html, status, site_status, scheduled_publish_at)
       SELECT $1, $2, $3, 'Due ' || g, '<p>Body.</p>', 'approved', 'scheduled', '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 minute'
         FROM generate_series(1, 51) AS g ORDER BY g RETURNING id`,
      [many.accountId, siteId, many.sectorIds[0][0]],
    );
    const ids = rows.map((r) => Number(r.id));
    now = new Date('2026-01-02T00:00:00Z');
    expect(await runJob('process_scheduled_publications')).toEqual({ published: 50, failed: 0 });
    const [last] = await db.query<{ id: string }[]>(
      `SELECT id FROM igny8_content WHERE site_id = $1 AND site_status = 'scheduled'`,
      [siteId],
    );
    expect(Number(last.id)).toBe(ids[50]);
    expect(await runJob('process_scheduled_publications')).toEqual({ published: 1, failed: 0 });
    expect(bridge.posts.size).toBe(51);
    const deployments = await db.query<{ items_deployed: number }[]>(
      'SELECT items_deployed FROM igny8_deployment_records WHERE site_id = $1 ORDER BY id',
      [siteId],
    );
    expect(deployments).toEqual([{ items_deployed: 50 }, { items_deployed: 1 }]);
  });
});
