import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/app-config.js';
import { IMAGE_STATUSES } from '../../src/modules/writer/entities/image.entity.js';
import { MediaService } from '../../src/common/media/media.service.js';
import { LocalMediaStorage } from '../../src/common/media/media-storage.js';
import { IMAGE_STATUS } from '../../src/modules/writer/state-machines.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import { type Call, caller, data } from './support.js';

type Row = Record<string, unknown>;

const WEBP = Buffer.from('RIFF\x1a\x00\x00\x00WEBPVP8 fake image bytes', 'latin1');

describe('writer images and media files', () => {
  let t: TestApp;
  let db: DataSource;
  let call: Call;
  let tenant: SeededTenant;
  let admin: Record<string, string>;
  let editor: Record<string, string>;
  let viewer: Record<string, string>;
  let site: number;
  let site2: number;
  let sector: number;
  let mediaDir: string;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    call = caller(t);
    tenant = await seedTenant(t.app, { sites: 2 });
    [site, site2] = tenant.siteIds;
    sector = tenant.sectorIds[0][0];
    admin = tenant.users.admin.auth;
    editor = tenant.users.editor.auth;
    viewer = tenant.users.viewer.auth;
    mediaDir = t.config.mediaDir;
    mkdirSync(join(mediaDir, 'images'), { recursive: true });
  });
  afterAll(() => t?.close());

  const newContent = async (
    title = 'Content',
    headers = editor,
    place = { site_id: site, sector_id: sector },
  ) => data(await call('POST', '/api/v1/writer/content/', headers, { ...place, title })).id as number;
  const newImage = async (body: Row, headers = editor) => {
    const response = await call('POST', '/api/v1/writer/images/', headers, body);
    expect(response.statusCode, response.body).toBe(201);
    return data(response);
  };
  const withFile = async (imageId: number, name: string) => {
    writeFileSync(join(mediaDir, 'images', name), WEBP);
    await db.query("UPDATE igny8_images SET image_path = $2, status = 'generated' WHERE id = $1", [
      imageId,
      `images/${name}`,
    ]);
  };

  it('creates images with the site and sector of their content, one per type and position', async () => {
    const content = await newContent('Host');
    const image = await newImage({
      content_id: content,
      image_type: 'in_article',
      position: 2,
      prompt: 'A cat',
      alt_text: 'Cat',
      caption: 'Caption',
      status: 'generated',
      site_id: site2,
    });
    expect(image).toMatchObject({
      account_id: tenant.accountId,
      site_id: site,
      sector_id: sector,
      content_id: content,
      content_title: 'Host',
      image_type: 'in_article',
      position: 2,
      prompt: 'A cat',
      alt_text: 'Cat',
      caption: 'Caption',
      status: 'pending',
      image_url: null,
      image_path: null,
      task_id: null,
    });
    const duplicate = await call('POST', '/api/v1/writer/images/', editor, {
      content_id: content,
      image_type: 'in_article',
      position: 2,
    });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json()).toMatchObject({
      code: 'validation_error',
      errors: { non_field_errors: [expect.any(String)] },
    });
    const featured = await newImage({ content_id: content, image_type: 'featured' });
    expect(featured).toMatchObject({ position: 0, image_type: 'featured' });
    for (const [body, field] of [
      [{ content_id: content, image_type: 'featured', position: 1 }, 'position'],
      [{ content_id: content, image_type: 'desktop' }, 'image_type'],
      [{ content_id: content, image_type: 'in_article', position: 8 }, 'position'],
      [{ image_type: 'in_article' }, 'content_id'],
      [{ content_id: 999999, image_type: 'in_article' }, 'content_id'],
    ] as const) {
      const response = await call('POST', '/api/v1/writer/images/', editor, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(Object.keys(response.json<{ errors: Row }>().errors)).toContain(field);
    }
    const hidden = await newContent('Hidden', admin, { site_id: site2, sector_id: tenant.sectorIds[1][0] });
    const denied = await call('POST', '/api/v1/writer/images/', editor, {
      content_id: hidden,
      image_type: 'featured',
    });
    expect(denied.json()).toMatchObject({
      errors: { content_id: [`Invalid pk "${hidden}" - object does not exist.`] },
    });
  });

  it('lets clients only reset an image to pending (every transition)', async () => {
    const content = await newContent();
    const image = await newImage({ content_id: content, image_type: 'featured' });
    const url = `/api/v1/writer/images/${image.id as number}/`;
    for (const from of IMAGE_STATUSES) {
      for (const to of IMAGE_STATUSES) {
        await db.query('UPDATE igny8_images SET status = $2 WHERE id = $1', [image.id, from]);
        const response = await call('PATCH', url, editor, { status: to, alt_text: `${from}-${to}` });
        if (from === to || (to === 'pending' && from !== 'pending')) {
          expect(response.statusCode, `${from} → ${to}`).toBe(200);
          expect(data(response)).toMatchObject({ status: to, alt_text: `${from}-${to}` });
        } else {
          expect(response.statusCode, `${from} → ${to}`).toBe(400);
          expect(response.json()).toMatchObject({
            code: 'invalid_transition',
            details: { field: 'status', from, to, allowed: IMAGE_STATUS.allowed(from) },
          });
        }
      }
    }
    const put = data(
      await call('PUT', url, editor, { prompt: 'New', caption: 'C', image_type: 'in_article', position: 3 }),
    );
    expect(put).toMatchObject({ prompt: 'New', caption: 'C', image_type: 'featured', position: 0 });
  });

  it('bulk-resets images to pending by ids or for one content', async () => {
    const content = await newContent();
    const images = [
      await newImage({ content_id: content, image_type: 'featured' }),
      await newImage({ content_id: content, image_type: 'in_article', position: 0 }),
      await newImage({ content_id: content, image_type: 'in_article', position: 1 }),
    ].map((image) => image.id as number);
    const setAll = (status: string) =>
      db.query('UPDATE igny8_images SET status = $2 WHERE id = ANY($1)', [images, status]);
    await setAll('generated');
    await db.query("UPDATE igny8_images SET status = 'pending' WHERE id = $1", [images[2]]);
    const byIds = await call('POST', '/api/v1/writer/images/bulk_update/', editor, {
      ids: [images[0], images[2], 999999],
      status: 'pending',
    });
    expect(data(byIds)).toEqual({ updated_count: 1 });
    await setAll('failed');
    const byContent = await call('POST', '/api/v1/writer/images/bulk_update/', editor, {
      content_id: content,
      status: 'pending',
    });
    expect(data(byContent)).toEqual({ updated_count: 3 });
    const statuses = await db.query<{ status: string }[]>(
      'SELECT status FROM igny8_images WHERE id = ANY($1)',
      [images],
    );
    expect(statuses.map((row) => row.status)).toEqual(['pending', 'pending', 'pending']);
    for (const [body, field] of [
      [{ status: 'pending' }, 'non_field_errors'],
      [{ ids: [images[0]], status: 'generated' }, 'status'],
      [{ content_id: 999999, status: 'pending' }, 'content_id'],
    ] as const) {
      const response = await call('POST', '/api/v1/writer/images/bulk_update/', editor, body);
      expect(response.statusCode).toBe(400);
      expect(Object.keys(response.json<{ errors: Row }>().errors)).toEqual([field]);
    }
  });

  it('groups images by content with their overall status', async () => {
    const place = { site_id: site2, sector_id: tenant.sectorIds[1][0] };
    const [none, partial, complete, failed, pending] = [
      await newContent('No images', admin, place),
      await newContent('Partial', admin, place),
      await newContent('Complete', admin, place),
      await newContent('Failed', admin, place),
      await newContent('Pending', admin, place),
    ];
    const add = async (content: number, type: string, position: number, status: string) => {
      const image = await newImage({ content_id: content, image_type: type, position }, admin);
      await db.query('UPDATE igny8_images SET status = $2 WHERE id = $1', [image.id, status]);
      return image.id as number;
    };
    const partialImages = [
      await add(partial, 'in_article', 1, 'failed'),
      await add(partial, 'featured', 0, 'generated'),
      await add(partial, 'in_article', 0, 'pending'),
    ];
    await add(complete, 'in_article', 0, 'generated');
    await add(failed, 'featured', 0, 'failed');
    await add(pending, 'featured', 0, 'pending');
    const deleted = await add(none, 'featured', 0, 'pending');
    await call('DELETE', `/api/v1/writer/images/${deleted}/`, admin);

    const response = await call('GET', `/api/v1/writer/images/content_images/?site_id=${site2}`, admin);
    expect(response.statusCode).toBe(200);
    const body = response.json<{ count: number; results: Row[] }>();
    expect(body.count).toBe(4);
    expect(body.results.map((group) => [group.content_id, group.overall_status])).toEqual([
      [pending, 'pending'],
      [failed, 'failed'],
      [complete, 'complete'],
      [partial, 'partial'],
    ]);
    const group = body.results[3];
    expect(group).toMatchObject({
      content_title: 'Partial',
      content_status: 'draft',
      featured_image: { id: partialImages[1], content_title: 'Partial', image_type: 'featured' },
    });
    expect((group.in_article_images as Row[]).map((image) => image.id)).toEqual([
      partialImages[2],
      partialImages[0],
    ]);
    expect((body.results[2].featured_image as Row | null) ?? null).toBeNull();

    const filtered = await call(
      'GET',
      `/api/v1/writer/images/content_images/?site_id=${site2}&status=failed&ordering=title`,
      admin,
    );
    expect(filtered.json<{ results: Row[] }>().results.map((g) => g.content_id)).toEqual([failed, partial]);
    const one = await call('GET', `/api/v1/writer/images/content_images/?content_id=${partial}`, admin);
    expect(one.json()).toMatchObject({ count: 1 });
    const paged = await call(
      'GET',
      `/api/v1/writer/images/content_images/?site_id=${site2}&page_size=3&page=2`,
      admin,
    );
    expect(paged.json()).toMatchObject({ count: 4, next: null, previous: expect.stringContaining('page=1') });
    expect(paged.json<{ results: Row[] }>().results.map((g) => g.content_id)).toEqual([partial]);
    expect((await call('GET', '/api/v1/writer/images/content_images/?status=done', admin)).statusCode).toBe(
      400,
    );
    const editorView = await call('GET', `/api/v1/writer/images/content_images/?site_id=${site2}`, editor);
    expect(editorView.json()).toMatchObject({ count: 0, results: [] });
  });

  it('filters, orders and offers filter options', async () => {
    const content = await newContent('Filtered');
    const a = await newImage({ content_id: content, image_type: 'in_article', position: 3 });
    const b = await newImage({ content_id: content, image_type: 'in_article', position: 1 });
    const c = await newImage({ content_id: content, image_type: 'featured' });
    await db.query("UPDATE igny8_images SET status = 'failed' WHERE id = $1", [b.id]);
    const list = (query: string) =>
      call('GET', `/api/v1/writer/images/?content_id=${content}&${query}`, viewer).then((r) =>
        r.json<{ results: Row[] }>().results.map((row) => row.id),
      );
    expect(await list('')).toEqual([c.id, b.id, a.id]);
    expect(await list('ordering=position')).toEqual([c.id, b.id, a.id]);
    expect(await list('ordering=-position')).toEqual([a.id, b.id, c.id]);
    expect(await list('status=failed')).toEqual([b.id]);
    expect(await list('image_type=featured')).toEqual([c.id]);
    expect(await list(`ids=${a.id as number}`)).toEqual([a.id]);
    expect(await list(`site_id=${site2}`)).toEqual([]);
    const options = data<Record<string, Row[]>>(
      await call('GET', `/api/v1/writer/images/filter_options/?content_id=${content}`, viewer),
    );
    expect(options).toEqual({
      status: [
        { value: '', label: 'All Statuses' },
        { value: 'failed', label: 'Failed' },
        { value: 'pending', label: 'Pending' },
      ],
      image_type: [
        { value: '', label: 'All Image Types' },
        { value: 'featured', label: 'Featured' },
        { value: 'in_article', label: 'In Article' },
      ],
    });
  });

  it('serves the file (authenticated and public) and builds image_url from the request origin', async () => {
    const content = await newContent('With file');
    const image = await newImage({ content_id: content, image_type: 'featured' });
    const id = image.id as number;
    const fileUrl = `/api/v1/writer/images/${id}/file/`;
    expect((await call('GET', fileUrl, viewer)).statusCode).toBe(404);
    await db.query("UPDATE igny8_images SET image_path = 'images/missing.webp' WHERE id = $1", [id]);
    expect((await call('GET', fileUrl, viewer)).statusCode).toBe(404);
    expect(data(await call('GET', `/api/v1/writer/images/${id}/`, viewer)).image_url).toBeNull();

    const name = '0123456789abcdef0123456789abcdef.webp';
    await withFile(id, name);
    const file = await call('GET', fileUrl, viewer);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/webp');
    expect(file.rawPayload.equals(WEBP)).toBe(true);

    const view = data(
      await t.request({
        method: 'GET',
        url: `/api/v1/writer/images/${id}/`,
        headers: { ...viewer, host: 'api.test:8080' },
      }),
    );
    expect(view.image_url).toBe(`http://api.test:8080/media/images/${name}`);
    const contentView = data(
      await t.request({
        method: 'GET',
        url: `/api/v1/writer/content/${content}/`,
        headers: { ...viewer, host: 'api.test' },
      }),
    );
    expect(contentView.featured_image).toEqual({
      id,
      image_url: `http://api.test/media/images/${name}`,
      status: 'generated',
    });

    const media = await t.request({ method: 'GET', url: `/media/images/${name}` });
    expect(media.statusCode).toBe(200);
    expect(media.headers['content-type']).toBe('image/webp');
    expect(media.headers['x-throttle-limit']).toBeUndefined();
    expect(media.rawPayload.equals(WEBP)).toBe(true);
    const withBadToken = await t.request({
      method: 'GET',
      url: `/media/images/${name}`,
      headers: { authorization: 'Bearer not-a-token' },
    });
    expect(withBadToken.statusCode).toBe(200);
  });

  it('never serves anything outside MEDIA_DIR', async () => {
    writeFileSync(join(mediaDir, '..', 'secret.txt'), 'secret');
    symlinkSync(join(mediaDir, '..', 'secret.txt'), join(mediaDir, 'images', 'link.webp'));
    for (const url of [
      '/media/../secret.txt',
      '/media/%2e%2e/secret.txt',
      '/media/images/%2e%2e/%2e%2e/secret.txt',
      '/media/images/..%2f..%2fsecret.txt',
      '/media/images%5c..%5c..%5csecret.txt',
      '/media/images/link.webp',
      '/media/images',
      '/media/',
      '/media/images/nothing.webp',
      '/media/%00',
    ]) {
      const response = await t.request({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain('secret');
    }
    const content = await newContent('Traversal');
    const image = await newImage({ content_id: content, image_type: 'featured' });
    await db.query("UPDATE igny8_images SET image_path = '../secret.txt' WHERE id = $1", [image.id]);
    expect((await call('GET', `/api/v1/writer/images/${image.id as number}/file/`, viewer)).statusCode).toBe(
      404,
    );
    expect(
      data(await call('GET', `/api/v1/writer/images/${image.id as number}/`, viewer)).image_url,
    ).toBeNull();
  });

  it('builds image_url from PUBLIC_BASE_URL when it is set', () => {
    const config = { mediaDir, http: { publicBaseUrl: 'https://cdn.example.com/' } } as unknown as AppConfig;
    const media = new MediaService(new LocalMediaStorage(config), config, { isActive: () => false } as never);
    expect(media.url('images/a b.webp')).toBe('https://cdn.example.com/media/images/a%20b.webp');
  });

  it('bulk-deletes into the trash, which admins list and purge', async () => {
    const content = await newContent();
    const image = await newImage({ content_id: content, image_type: 'featured' });
    await call('POST', '/api/v1/writer/images/bulk_delete/', editor, { ids: [image.id] });
    const trash = await call('GET', `/api/v1/writer/images/trash/?content_id=${content}`, admin);
    expect(trash.json()).toMatchObject({ count: 1 });
    expect(data(await call('POST', '/api/v1/writer/images/purge/', admin, { ids: [image.id] }))).toEqual({
      purged_count: 1,
      not_found_ids: [],
    });
  });
});
