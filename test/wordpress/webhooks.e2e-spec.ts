import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant, snapshot } from '../support/tenants.js';

const STATUS = '/api/v1/integration/webhooks/wordpress/status/';
const METADATA = '/api/v1/integration/webhooks/wordpress/metadata/';

interface ContentRow {
  id: string;
  status: string;
  site_status: string;
  external_id: string | null;
  external_url: string | null;
  published_at: Date | null;
  scheduled_publish_at: Date | null;
  title: string;
  meta_title: string;
  external_metadata: Record<string, unknown>;
}

// The bridge plugin's webhooks on the API side (the plugin itself sends them in bridge-plugin.e2e-spec.ts).
describe('WordPress webhooks (status, metadata) and the site-key routes', () => {
  let t: TestApp;
  let db: DataSource;
  let tenant: SeededTenant;
  let other: SeededTenant;
  let postIds = 1000;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    tenant = await seedTenant(t.app, { sites: 2 });
    other = await seedTenant(t.app);
  });
  afterAll(() => t?.close());

  async function content(
    owner: SeededTenant,
    fields: { status?: string; site_status?: string; external_id?: string | null; site?: number } = {},
  ): Promise<number> {
    const site = fields.site ?? 0;
    const [{ id }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_content (account_id, site_id, sector_id, title, content_html, status, site_status, external_id, external_type)
       VALUES ($1, $2, $3, 'Post', '<p>x</p>', $4, $5, $6, 'post') RETURNING id`,
      [
        owner.accountId,
        owner.siteIds[site],
        owner.sectorIds[site][0],
        fields.status ?? 'approved',
        fields.site_status ?? 'not_published',
        fields.external_id ?? null,
      ],
    );
    return Number(id);
  }

  const row = async (id: number) =>
    (await db.query<ContentRow[]>('SELECT * FROM igny8_content WHERE id = $1', [id]))[0];

  function send(url: string, payload: unknown, apiKey = tenant.apiKeys[0]) {
    return t.request({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${apiKey}` },
      payload: payload as Record<string, unknown>,
    });
  }

  it('maps publish: the post is linked and the content published, with a publishing record', async () => {
    const id = await content(tenant);
    const postId = ++postIds;
    const response = await send(STATUS, {
      content_id: id,
      post_id: postId,
      post_status: 'publish',
      post_url: 'https://blog.example.com/post/',
      post_type: 'post',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toEqual({
      content_id: id,
      site_status: 'published',
      status: 'published',
      updated: true,
    });
    const after = await row(id);
    expect(after.external_id).toBe(String(postId));
    expect(after.external_url).toBe('https://blog.example.com/post/');
    expect(after.published_at).not.toBeNull();
    const records = await db.query<{ status: string; metadata: object }[]>(
      'SELECT status, metadata FROM igny8_publishing_records WHERE content_id = $1',
      [id],
    );
    expect(records).toEqual([{ status: 'published', metadata: { source: 'wordpress' } }]);
    const [event] = await db.query<{ event_type: string; status: string; direction: string }[]>(
      'SELECT event_type, status, direction FROM igny8_sync_events WHERE content_id = $1',
      [id],
    );
    expect(event).toEqual({ event_type: 'status_webhook', status: 'success', direction: 'from_external' });
  });

  it('maps draft, pending, trash, future and deleted as the table says', async () => {
    const postId = String(++postIds);
    const id = await content(tenant, { status: 'published', site_status: 'published', external_id: postId });
    await db.query(
      `INSERT INTO igny8_publishing_records (account_id, site_id, content_id, status, published_at)
       VALUES ($1, $2, $3, 'published', now())`,
      [tenant.accountId, tenant.siteIds[0], id],
    );
    // By post id alone (the status alias `wordpress_status`).
    const draft = await send(STATUS, { post_id: Number(postId), wordpress_status: 'draft' });
    expect(draft.json().data).toMatchObject({
      content_id: id,
      site_status: 'not_published',
      status: 'approved',
    });
    const [record] = await db.query<{ status: string; retracted_at: Date | null }[]>(
      'SELECT status, retracted_at FROM igny8_publishing_records WHERE content_id = $1',
      [id],
    );
    expect(record.status).toBe('retracted');
    expect(record.retracted_at).not.toBeNull();

    await send(STATUS, { content_id: id, post_id: Number(postId), post_status: 'publish' });
    const pending = await send(STATUS, { content_id: id, status: 'pending' });
    expect(pending.json().data).toMatchObject({ site_status: 'not_published', status: 'review' });

    const future = await send(STATUS, {
      content_id: id,
      post_status: 'future',
      post_date_gmt: '2031-01-02T03:04:05Z',
    });
    expect(future.json().data).toMatchObject({ site_status: 'scheduled', status: 'review' });
    expect((await row(id)).scheduled_publish_at).toEqual(new Date('2031-01-02T03:04:05Z'));

    const deleted = await send(STATUS, { content_id: id, post_status: 'deleted' });
    expect(deleted.json().data).toMatchObject({ site_status: 'not_published' });
    const gone = await row(id);
    expect(gone.external_id).toBeNull();
    expect(gone.external_url).toBeNull();
  });

  it('ignores an event older than the last sync', async () => {
    const id = await content(tenant);
    const postId = ++postIds;
    await send(STATUS, {
      content_id: id,
      post_id: postId,
      post_status: 'publish',
      modified_at: '2030-01-01T10:00:00.500Z',
    });
    const stale = await send(STATUS, {
      content_id: id,
      post_status: 'draft',
      modified_at: '2030-01-01T10:00:00.100Z',
    });
    expect(stale.statusCode).toBe(200);
    expect(stale.json().data).toEqual({
      content_id: id,
      site_status: 'published',
      status: 'published',
      updated: false,
    });
  });

  it('applies metadata edits and stores term names', async () => {
    const id = await content(tenant);
    const response = await send(METADATA, {
      content_id: id,
      title: 'Edited in WordPress',
      meta_title: 'SEO title',
      post_url: 'https://blog.example.com/edited/',
      categories: ['News'],
      tags: ['a', 'b'],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data.updated_fields.sort()).toEqual(
      ['external_url', 'meta_title', 'terms', 'title'].sort(),
    );
    const after = await row(id);
    expect(after.title).toBe('Edited in WordPress');
    expect(after.meta_title).toBe('SEO title');
    expect(after.external_metadata.terms).toEqual({ categories: ['News'], tags: ['a', 'b'] });
  });

  it('answers 404 for content it cannot find, and for another site’s or account’s content', async () => {
    const mine = await content(tenant);
    const otherSite = await content(tenant, { site: 1 });
    const foreign = await content(other);
    const before = await snapshot(t.app, ['igny8_content', 'igny8_publishing_records']);
    for (const payload of [
      { content_id: 99_999_999, post_status: 'publish', post_id: 5 },
      { post_id: 99_999_999, post_status: 'draft' },
      { content_id: otherSite, post_id: 77, post_status: 'publish' },
      { content_id: foreign, post_id: 78, post_status: 'publish' },
    ]) {
      const response = await send(STATUS, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(404);
    }
    const metadata = await send(METADATA, { content_id: foreign, title: 'Hijack' });
    expect(metadata.statusCode).toBe(404);
    expect(await snapshot(t.app, ['igny8_content', 'igny8_publishing_records'])).toEqual(before);
    expect((await row(mine)).site_status).toBe('not_published');
    const [refused] = await db.query<{ status: string; http_status: number }[]>(
      `SELECT status, http_status FROM igny8_sync_events WHERE site_id = $1 AND status = 'error'
        ORDER BY id DESC LIMIT 1`,
      [tenant.siteIds[0]],
    );
    expect(refused).toEqual({ status: 'error', http_status: 404 });
  });

  it('refuses bad bodies with 400/413, never 5xx, and changes nothing', async () => {
    const id = await content(tenant);
    const before = await row(id);
    for (const payload of [
      { content_id: id },
      { content_id: id, post_status: 'exploded' },
      { post_status: 'publish' },
      { content_id: 'x', post_status: 'draft' },
      { content_id: id, post_status: 'draft', modified_at: 'yesterday' },
      { content_id: id, post_status: 'draft', post_url: 'x'.repeat(1001) },
      { content_id: id, post_id: -1, post_status: 'draft' },
      { content_id: id, post_status: 'publish' }, // nothing to link a published post to
      [1, 2, 3],
    ]) {
      const response = await send(STATUS, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const malformed = await t.request({
      method: 'POST',
      url: STATUS,
      headers: { authorization: `Bearer ${tenant.apiKeys[0]}`, 'content-type': 'application/json' },
      payload: '{"content_id": 1, "post_status": ',
    });
    expect(malformed.statusCode).toBe(400);
    const huge = await t.request({
      method: 'POST',
      url: METADATA,
      headers: { authorization: `Bearer ${tenant.apiKeys[0]}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ content_id: id, title: 'x'.repeat(12 * 1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(await row(id)).toEqual(before);
  });

  it('needs the site key: wrong or rotated keys answer 401 invalid_api_key, user tokens 403', async () => {
    const id = await content(tenant);
    const wrong = await send(STATUS, { content_id: id, post_status: 'draft' }, `igny8_sk_${'B'.repeat(40)}`);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_api_key');
    const viaHeader = await t.request({
      method: 'POST',
      url: STATUS,
      headers: { 'x-igny8-api-key': `igny8_sk_${'C'.repeat(40)}` },
      payload: { content_id: id, post_status: 'draft' },
    });
    expect(viaHeader.statusCode).toBe(401);
    const user = await t.request({
      method: 'POST',
      url: STATUS,
      headers: tenant.users.owner.auth,
      payload: { content_id: id, post_status: 'draft' },
    });
    expect(user.statusCode).toBe(403);
    const anonymous = await t.request({
      method: 'POST',
      url: STATUS,
      payload: { content_id: id, post_status: 'draft' },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('tells a key which site and account it belongs to', async () => {
    const response = await t.request({
      method: 'GET',
      url: '/api/v1/integration/whoami/',
      headers: { 'x-igny8-api-key': tenant.apiKeys[1] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({
      site: { id: tenant.siteIds[1] },
      account: { id: tenant.accountId },
      integration: null,
    });
    const user = await t.request({
      method: 'GET',
      url: '/api/v1/integration/whoami/',
      headers: tenant.users.owner.auth,
    });
    expect(user.statusCode).toBe(403);
  });

  it('filters content by updated_after and answers 304 to a matching If-None-Match', async () => {
    const id = await content(tenant);
    await db.query(`UPDATE igny8_content SET updated_at = '2020-01-01T00:00:00Z' WHERE site_id = $1`, [
      tenant.siteIds[0],
    ]);
    await send(METADATA, { content_id: id, title: 'Changed now' });
    const list = await t.request({
      method: 'GET',
      url: `/api/v1/writer/content/?site_id=${tenant.siteIds[0]}&updated_after=2021-01-01T00:00:00Z`,
      headers: tenant.users.owner.auth,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().results.map((r: { id: number }) => r.id)).toEqual([id]);
    expect(list.headers.etag).toBeUndefined();
    const badFilter = await t.request({
      method: 'GET',
      url: '/api/v1/writer/content/?updated_after=soon',
      headers: tenant.users.owner.auth,
    });
    expect(badFilter.statusCode).toBe(400);

    const url = `/api/v1/writer/content/${id}/`;
    const first = await t.request({ method: 'GET', url, headers: tenant.users.owner.auth });
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await t.request({
      method: 'GET',
      url,
      headers: { ...tenant.users.owner.auth, 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    await send(METADATA, { content_id: id, title: 'Changed again' });
    const changed = await t.request({
      method: 'GET',
      url,
      headers: { ...tenant.users.owner.auth, 'if-none-match': etag },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.json().data.title).toBe('Changed again');
  });

  it('handshake with an editor token: no key needed; a failed call-back leaves no integration', async () => {
    const url = '/api/v1/integration/integrations/test-connection/';
    // A regenerated key is also stored encrypted, so the API can send it to WordPress.
    const regenerated = await t.request({
      method: 'POST',
      url: `/api/v1/auth/sites/${tenant.siteIds[1]}/regenerate_api_key/`,
      headers: tenant.users.owner.auth,
    });
    const newKey = regenerated.json().data.api_key as string;
    // Nothing listens on port 9 of loopback: the call-back fails as unreachable.
    const payload = { site_id: tenant.siteIds[1], site_url: 'http://127.0.0.1:9' };
    const failed = await t.request({ method: 'POST', url, headers: tenant.users.owner.auth, payload });
    expect(failed.statusCode).toBe(400);
    expect(failed.json()).toMatchObject({ code: 'connection_failed', details: { reason: 'unreachable' } });
    const rows = await db.query('SELECT id FROM igny8_site_integrations WHERE site_id = $1', [
      tenant.siteIds[1],
    ]);
    expect(rows).toEqual([]);
    const viewer = await t.request({ method: 'POST', url, headers: tenant.users.viewer.auth, payload });
    expect(viewer.statusCode).toBe(403);
    const foreign = await t.request({
      method: 'POST',
      url,
      headers: tenant.users.owner.auth,
      payload: { site_id: other.siteIds[0], site_url: 'http://127.0.0.1:9' },
    });
    expect(foreign.statusCode).toBe(404);
    for (const body of [{}, { site_id: tenant.siteIds[1] }, { site_id: 'x', site_url: 'http://a.example' }]) {
      const bad = await t.request({ method: 'POST', url, payload: body });
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
    }
    const noKey = await t.request({
      method: 'POST',
      url,
      payload: { site_id: tenant.siteIds[1], site_url: 'http://a.example' },
    });
    expect(noKey.statusCode).toBe(401);
    const badUrl = await t.request({
      method: 'POST',
      url,
      payload: { site_id: tenant.siteIds[1], api_key: newKey, site_url: 'ftp://a.example' },
    });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().errors).toHaveProperty('site_url');
  });
});
