import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/process.js';
import {
  type RunningWordPress,
  startWordPress,
  WORDPRESS_START_TIMEOUT_MS,
  WORDPRESS_STOP_TIMEOUT_MS,
  wordpressUnavailableReason,
} from '../support/wordpress.js';

// The WordPress the publishing code will be tested against (docs/wordpress-test-harness.md): these tests prove
// the harness gives a real site with what publishing needs. A machine that cannot run it skips them, loudly;
// CI must run them, so there they fail instead.
const unavailable = wordpressUnavailableReason();
const mustRun = process.env.CI === 'true';
if (unavailable && !mustRun) console.warn(`SKIPPING the WordPress harness tests: ${unavailable}.`);

const PROBE_PLUGIN = join(ROOT, 'test', 'wordpress', 'fixtures', 'harness-probe');
const REQUEST_TIMEOUT_MS = 20_000;

interface Json {
  [key: string]: unknown;
}

describe.skipIf(unavailable !== undefined && !mustRun)(
  'WordPress harness (Debian packages on loopback)',
  () => {
    let wordpress: RunningWordPress;

    beforeAll(async () => {
      if (unavailable)
        throw new Error(`The WordPress harness cannot run here, and CI does not skip it: ${unavailable}`);
      wordpress = await startWordPress();
    }, WORDPRESS_START_TIMEOUT_MS);

    afterAll(async () => {
      await wordpress?.stop();
    }, WORDPRESS_STOP_TIMEOUT_MS);

    async function call(url: string, init: RequestInit & { auth?: string | false } = {}) {
      const { auth, ...rest } = init;
      const headers = new Headers(rest.headers);
      const authorization = auth === undefined ? wordpress.authorization : auth;
      if (authorization) headers.set('Authorization', authorization);
      const response = await fetch(url, {
        ...rest,
        headers,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const type = response.headers.get('content-type') ?? '';
      const body: unknown = type.includes('json')
        ? await response.json()
        : Buffer.from(await response.arrayBuffer());
      return { status: response.status, type, body };
    }

    function postJson(route: string, payload: unknown) {
      return call(wordpress.rest(route), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(payload),
      });
    }

    it('answers the REST index at /wp-json/ and at ?rest_route=/, with Application Passwords on offer', async () => {
      for (const url of [wordpress.site.restUrl, `${wordpress.site.baseUrl}/?rest_route=/`]) {
        const { status, body } = await call(url, { auth: false });
        expect(status, url).toBe(200);
        const index = body as { url: string; namespaces: string[]; authentication: Json };
        expect(index.url).toBe(wordpress.site.baseUrl);
        expect(index.namespaces).toContain('wp/v2');
        expect(index.authentication).toHaveProperty('application-passwords');
      }
    });

    it('authenticates the admin by Application Password and refuses a wrong one', async () => {
      const me = await call(wordpress.rest('wp/v2/users/me?context=edit'));
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: wordpress.site.userId, username: wordpress.site.adminUser });
      expect((me.body as { roles: string[] }).roles).toContain('administrator');

      const anonymous = await call(wordpress.rest('wp/v2/users/me'), { auth: false });
      expect(anonymous.status).toBe(401);
      const wrong = await call(wordpress.rest('wp/v2/users/me'), {
        auth: `Basic ${Buffer.from(`${wordpress.site.adminUser}:not the app password`).toString('base64')}`,
      });
      expect(wrong.status).toBe(401);
    });

    it('creates a post with a category and a tag over core REST, then reads it back', async () => {
      const category = await postJson('wp/v2/categories', { name: 'Harness category' });
      const tag = await postJson('wp/v2/tags', { name: 'harness-tag' });
      expect([category.status, tag.status]).toEqual([201, 201]);
      const categoryId = (category.body as { id: number }).id;
      const tagId = (tag.body as { id: number }).id;

      const created = await postJson('wp/v2/posts', {
        title: 'Published by the harness test',
        content: '<p>Body of the harness post.</p>',
        status: 'publish',
        categories: [categoryId],
        tags: [tagId],
      });
      expect(created.status).toBe(201);
      const { id, link } = created.body as { id: number; link: string };
      expect(link).toBe(`${wordpress.site.baseUrl}/published-by-the-harness-test/`);

      const read = await call(wordpress.rest(`wp/v2/posts/${id}?context=edit`));
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        id,
        status: 'publish',
        title: { raw: 'Published by the harness test' },
        content: { raw: '<p>Body of the harness post.</p>' },
        categories: [categoryId],
        tags: [tagId],
      });
      const inCategory = await call(wordpress.rest(`wp/v2/posts?categories=${categoryId}`), { auth: false });
      expect((inCategory.body as { id: number }[]).map((post) => post.id)).toEqual([id]);
    });

    it('uploads a PNG to the media library and serves it at its source_url', async () => {
      const png = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#3366cc' } })
        .png()
        .toBuffer();
      const uploaded = await call(wordpress.rest('wp/v2/media'), {
        method: 'POST',
        headers: {
          'Content-Type': 'image/png',
          'Content-Disposition': 'attachment; filename="harness-dot.png"',
        },
        body: png,
      });
      expect(uploaded.status).toBe(201);
      const media = uploaded.body as { source_url: string; mime_type: string; media_details: Json };
      expect(media.mime_type).toBe('image/png');
      expect(media.media_details).toMatchObject({ width: 8, height: 6 });
      expect(media.source_url).toMatch(
        new RegExp(`^${wordpress.site.baseUrl}/wp-content/uploads/.+/harness-dot\\.png$`),
      );

      const served = await call(media.source_url, { auth: false });
      expect(served.status).toBe(200);
      expect(served.type).toBe('image/png');
      expect(Buffer.compare(served.body as Buffer, png)).toBe(0);
    });

    it('installs and activates a plugin folder, whose REST route then answers', async () => {
      const probeUrl = `${wordpress.site.baseUrl}/?rest_route=/harness-probe/v1/ping`;
      const before = await call(probeUrl, { auth: false });
      expect(before.status).toBe(404);
      expect(before.body).toMatchObject({ code: 'rest_no_route' });

      const activated = await wordpress.installPlugin(PROBE_PLUGIN);
      expect(activated).toEqual({
        plugin: 'harness-probe/harness-probe.php',
        name: 'igny8 harness probe',
        version: '1.0.0',
      });

      for (const url of [probeUrl, wordpress.rest('harness-probe/v1/ping')]) {
        const after = await call(url, { auth: false });
        expect(after.status, url).toBe(200);
        expect(after.body).toEqual({ plugin: 'harness-probe', wordpress: wordpress.site.version });
      }
      const listed = await call(wordpress.rest('wp/v2/plugins/harness-probe/harness-probe'));
      expect(listed.body).toMatchObject({ plugin: 'harness-probe/harness-probe', status: 'active' });
    });
  },
);
