import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantContext } from '../../src/common/context/tenant-context.service.js';
import { SoftDeleteService } from '../../src/common/tenancy/soft-delete.service.js';
import { Site } from '../../src/modules/identity/entities/site.entity.js';
import { ContentTaxonomyRelation } from '../../src/modules/writer/entities/content-taxonomy-relation.entity.js';
import { ContentTaxonomy } from '../../src/modules/writer/entities/content-taxonomy.entity.js';
import { Content } from '../../src/modules/writer/entities/content.entity.js';
import { Image } from '../../src/modules/writer/entities/image.entity.js';
import { Task } from '../../src/modules/writer/entities/task.entity.js';
import {
  plannerWriterFixture,
  RESTRICTED,
  violation,
  type PlannerWriterFixture,
} from '../planner/schema-support.js';
import { createTestApp, type TestApp } from '../support/app.js';

describe('writer schema', () => {
  let t: TestApp;
  let f: PlannerWriterFixture;

  beforeAll(async () => {
    t = await createTestApp();
    f = await plannerWriterFixture(t, { sites: 2 });
  });

  afterAll(async () => {
    await t?.close();
  });

  const exists = async (table: string, id: number): Promise<boolean> =>
    (await f.db.query(`SELECT id FROM ${table} WHERE id = $1`, [id])).length > 0;

  describe('columns', () => {
    it('stores tasks, content, images and taxonomy terms with number ids and their defaults', async () => {
      const task = await f.db.getRepository(Task).findOneByOrFail({ id: (await f.task()).id });
      expect(typeof task.id).toBe('number');
      expect(typeof task.cluster_id).toBe('number');
      expect(task).toMatchObject({
        account_id: f.tenant.accountId,
        description: '',
        idea_id: null,
        content_type: 'post',
        content_structure: 'article',
        taxonomy_term_id: null,
        keywords: '',
        word_count: 1000,
        prompt_override: null,
        status: 'queued',
        error_message: null,
      });

      const content = await f.db
        .getRepository(Content)
        .findOneByOrFail({ id: (await f.content({ task_id: task.id })).id });
      expect(content).toMatchObject({
        account_id: f.tenant.accountId,
        task_id: task.id,
        content_html: '',
        word_count: 0,
        meta_title: '',
        meta_description: '',
        primary_keyword: '',
        secondary_keywords: [],
        cluster_id: null,
        content_type: 'post',
        content_structure: 'article',
        source: 'igny8',
        status: 'draft',
        site_status: 'not_published',
        scheduled_publish_at: null,
        published_at: null,
        external_id: null,
        external_url: null,
        external_type: null,
        external_metadata: {},
        sync_status: 'not_synced',
        schema_markup: null,
        internal_links: [],
      });

      const image = await f.db
        .getRepository(Image)
        .findOneByOrFail({ id: (await f.image({ content_id: content.id, image_type: 'featured' })).id });
      expect(image).toMatchObject({
        content_id: content.id,
        task_id: null,
        position: 0,
        prompt: '',
        alt_text: '',
        caption: '',
        image_url: null,
        image_path: null,
        status: 'pending',
        model_used: null,
        quality_tier: null,
        width: null,
        height: null,
        error_message: null,
      });

      const term = await f.db
        .getRepository(ContentTaxonomy)
        .findOneByOrFail({ id: (await f.taxonomy({ account_id: 999_999 })).id });
      expect(term).toMatchObject({
        account_id: f.tenant.accountId,
        site_id: f.siteId,
        sector_id: null,
        external_taxonomy: null,
        external_id: null,
        sync_status: 'not_synced',
        description: '',
        count: 0,
        metadata: {},
      });
    });

    it('keeps JSON columns as JSON', async () => {
      const content = await f.content({
        secondary_keywords: ['a', 'b'],
        schema_markup: { '@type': 'Article' },
        internal_links: [{ anchor_text: 'x', target_content_id: 1, target_url: 'https://example.com/x' }],
      });
      const loaded = await f.db.getRepository(Content).findOneByOrFail({ id: content.id });
      expect(loaded.secondary_keywords).toEqual(['a', 'b']);
      expect(loaded.schema_markup).toEqual({ '@type': 'Article' });
      expect(loaded.internal_links[0].target_content_id).toBe(1);
    });
  });

  describe('CHECK constraints', () => {
    it('rejects bad enum values, out-of-range numbers and broken publishing states', async () => {
      const cases: [() => Promise<unknown>, string][] = [
        [() => f.task({ status: 'running' as never }), 'igny8_tasks_status_check'],
        [() => f.task({ content_type: 'video' as never }), 'igny8_tasks_content_type_check'],
        [() => f.task({ content_structure: 'essay' as never }), 'igny8_tasks_content_structure_check'],
        [() => f.task({ word_count: 99 }), 'igny8_tasks_word_count_check'],
        [() => f.task({ word_count: 10_001 }), 'igny8_tasks_word_count_check'],
        [() => f.content({ status: 'archived' as never }), 'igny8_content_status_check'],
        [() => f.content({ site_status: 'draft' as never }), 'igny8_content_site_status_check'],
        [() => f.content({ source: 'shopify' as never }), 'igny8_content_source_check'],
        [() => f.content({ sync_status: 'syncing' as never }), 'igny8_content_sync_status_check'],
        [() => f.content({ content_type: 'video' as never }), 'igny8_content_content_type_check'],
        [() => f.content({ content_structure: 'essay' as never }), 'igny8_content_content_structure_check'],
        [() => f.content({ word_count: -1 }), 'igny8_content_word_count_check'],
        [() => f.content({ site_status: 'scheduled' }), 'igny8_content_scheduled_check'],
        [() => f.content({ site_status: 'published' }), 'igny8_content_published_check'],
        [
          () => f.taxonomy({ taxonomy_type: 'brand' as never }),
          'igny8_content_taxonomy_terms_taxonomy_type_check',
        ],
        [
          () => f.taxonomy({ sync_status: 'pending' as never }),
          'igny8_content_taxonomy_terms_sync_status_check',
        ],
        [() => f.taxonomy({ count: -1 }), 'igny8_content_taxonomy_terms_count_check'],
        [() => f.image({ image_type: 'banner' as never }), 'igny8_images_image_type_check'],
        [() => f.image({ status: 'queued' as never }), 'igny8_images_status_check'],
        [() => f.image({ quality_tier: 'ultra' as never }), 'igny8_images_quality_tier_check'],
        [() => f.image({ position: -1 }), 'igny8_images_position_check'],
        [() => f.image({ image_type: 'featured', position: 1 }), 'igny8_images_featured_position_check'],
      ];
      for (const [write, constraint] of cases) {
        expect(await violation(write())).toEqual({ code: '23514', constraint });
      }
    });

    it('accepts scheduled and published content that carries its date and remote id', async () => {
      await expect(
        f.content({ site_status: 'scheduled', scheduled_publish_at: new Date(Date.now() + 3_600_000) }),
      ).resolves.toMatchObject({ site_status: 'scheduled' });
      await expect(
        f.content({
          site_status: 'published',
          status: 'published',
          external_id: '42',
          external_type: 'post',
        }),
      ).resolves.toMatchObject({ external_id: '42' });
      await expect(
        f.image({ image_type: 'desktop', quality_tier: 'premium', position: 3 }),
      ).resolves.toMatchObject({
        image_type: 'desktop',
      });
    });
  });

  describe('partial unique indexes', () => {
    it('allows one live content per task, and any number without a task', async () => {
      const task = await f.task();
      const first = await f.content({ task_id: task.id });
      expect(await violation(f.content({ task_id: task.id }))).toEqual({
        code: '23505',
        constraint: 'igny8_content_task_uniq',
      });
      await f.softDelete('igny8_content', first.id);
      await expect(f.content({ task_id: task.id })).resolves.toMatchObject({ task_id: task.id });
      await f.content();
      await f.content();
    });

    it('keeps remote posts unique per site and type among live content', async () => {
      const remote = { external_id: '1001', external_type: 'post' };
      const first = await f.content(remote);
      expect(await violation(f.content(remote))).toEqual({
        code: '23505',
        constraint: 'igny8_content_site_external_uniq',
      });
      await f.content({ ...remote, external_type: 'page' });
      await f.content({ ...remote, site_id: f.tenant.siteIds[1], sector_id: f.tenant.sectorIds[1][0] });
      await f.softDelete('igny8_content', first.id);
      await expect(f.content(remote)).resolves.toMatchObject(remote);
    });

    it('keeps taxonomy slugs unique per site and type, and remote terms per site and taxonomy', async () => {
      const first = await f.taxonomy({ slug: 'running' });
      expect(await violation(f.taxonomy({ slug: 'running', name: 'Other' }))).toEqual({
        code: '23505',
        constraint: 'igny8_content_taxonomy_terms_site_slug_type_uniq',
      });
      await f.taxonomy({ slug: 'running', taxonomy_type: 'tag' });
      await f.taxonomy({ slug: 'running', site_id: f.tenant.siteIds[1] });
      await f.softDelete('igny8_content_taxonomy_terms', first.id);
      await expect(f.taxonomy({ slug: 'running' })).resolves.toMatchObject({ slug: 'running' });

      const remote = { external_id: '7', external_taxonomy: 'category' };
      const synced = await f.taxonomy(remote);
      expect(await violation(f.taxonomy(remote))).toEqual({
        code: '23505',
        constraint: 'igny8_content_taxonomy_terms_site_external_uniq',
      });
      await f.taxonomy({ ...remote, external_taxonomy: 'post_tag', taxonomy_type: 'tag' });
      await f.softDelete('igny8_content_taxonomy_terms', synced.id);
      await expect(f.taxonomy(remote)).resolves.toMatchObject(remote);
    });

    it('allows one live image per content, type and position', async () => {
      const content = await f.content();
      const image = (values: Partial<Image>) => f.image({ content_id: content.id, ...values });
      const featured = await image({ image_type: 'featured' });
      await image({ image_type: 'in_article', position: 0 });
      await image({ image_type: 'in_article', position: 1 });
      for (const values of [{ image_type: 'featured' }, { image_type: 'in_article', position: 1 }] as const) {
        expect(await violation(image(values))).toEqual({
          code: '23505',
          constraint: 'igny8_images_content_type_position_uniq',
        });
      }
      await f.softDelete('igny8_images', featured.id);
      await expect(image({ image_type: 'featured' })).resolves.toMatchObject({ position: 0 });
    });

    it('links a taxonomy term to a content at most once', async () => {
      const [content, term] = [await f.content(), await f.taxonomy()];
      const link = await f.insert(ContentTaxonomyRelation, { content_id: content.id, taxonomy_id: term.id });
      expect(typeof link.id).toBe('number');
      expect(link.created_at).toBeInstanceOf(Date);
      expect(
        await violation(f.insert(ContentTaxonomyRelation, { content_id: content.id, taxonomy_id: term.id })),
      ).toEqual({ code: '23505', constraint: 'igny8_content_taxonomy_relations_content_taxonomy_uniq' });
    });
  });

  describe('foreign keys', () => {
    it('refuses to purge a cluster that still has tasks', async () => {
      const cluster = await f.cluster();
      const task = await f.task({ cluster_id: cluster.id });
      expect(RESTRICTED).toContain((await violation(f.hardDelete('igny8_clusters', cluster.id))).code);
      await f.hardDelete('igny8_tasks', task.id);
      await f.hardDelete('igny8_clusters', cluster.id);
      expect(await exists('igny8_clusters', cluster.id)).toBe(false);
    });

    it('clears the links to a purged task, idea, cluster or taxonomy term', async () => {
      const cluster = await f.cluster();
      const idea = await f.idea({ keyword_cluster_id: cluster.id });
      const term = await f.taxonomy();
      const task = await f.task({ idea_id: idea.id, taxonomy_term_id: term.id });
      const content = await f.content({ task_id: task.id, cluster_id: cluster.id });
      const image = await f.image({ content_id: content.id, task_id: task.id });
      await f.insert(ContentTaxonomyRelation, { content_id: content.id, taxonomy_id: term.id });

      await f.hardDelete('igny8_content_ideas', idea.id);
      await f.hardDelete('igny8_content_taxonomy_terms', term.id);
      expect(await f.db.getRepository(Task).findOneByOrFail({ id: task.id })).toMatchObject({
        idea_id: null,
        taxonomy_term_id: null,
      });
      expect(await f.db.getRepository(ContentTaxonomyRelation).findBy({ content_id: content.id })).toEqual(
        [],
      );

      await f.hardDelete('igny8_tasks', task.id);
      expect(await f.db.getRepository(Content).findOneByOrFail({ id: content.id })).toMatchObject({
        task_id: null,
        cluster_id: cluster.id,
      });
      expect(await f.db.getRepository(Image).findOneByOrFail({ id: image.id })).toMatchObject({
        task_id: null,
      });

      await f.hardDelete('igny8_clusters', cluster.id);
      expect(await f.db.getRepository(Content).findOneByOrFail({ id: content.id })).toMatchObject({
        cluster_id: null,
      });
    });

    it('removes images and taxonomy links with their content; a term outlives its sector', async () => {
      const content = await f.content();
      const term = await f.taxonomy({ sector_id: f.sectorIds[1] });
      const image = await f.image({ content_id: content.id });
      await f.insert(ContentTaxonomyRelation, { content_id: content.id, taxonomy_id: term.id });
      await f.hardDelete('igny8_content', content.id);
      expect(await exists('igny8_images', image.id)).toBe(false);
      expect(await f.db.getRepository(ContentTaxonomyRelation).findBy({ taxonomy_id: term.id })).toEqual([]);

      const siteId = f.tenant.siteIds[1];
      const sectorId = f.tenant.sectorIds[1][1];
      const kept = await f.taxonomy({ site_id: siteId, sector_id: sectorId });
      const task = await f.task({
        site_id: siteId,
        sector_id: sectorId,
        cluster_id: (await f.cluster({ site_id: siteId, sector_id: sectorId })).id,
      });
      await f.hardDelete('igny8_sectors', sectorId);
      expect(await f.db.getRepository(ContentTaxonomy).findOneByOrFail({ id: kept.id })).toMatchObject({
        sector_id: null,
      });
      expect(await exists('igny8_tasks', task.id)).toBe(false);
    });
  });

  describe('soft-delete cascades (declared for the modules)', () => {
    let softDeletes: SoftDeleteService;
    /** The rules' hooks read through the tenancy layer: without a request, the system runs them. */
    let asSystem: <T>(work: () => Promise<T>) => Promise<T>;

    beforeAll(() => {
      softDeletes = t.app.get(SoftDeleteService);
      asSystem = (work) => t.app.get(TenantContext).runAsSystem('writer schema test', work, 'debug');
    });

    const deletedAt = async (
      table: string,
      id: number,
    ): Promise<{ deleted_at: Date | null; deleted_cascade_id: string | null }> =>
      (await f.db.query(`SELECT deleted_at, deleted_cascade_id FROM ${table} WHERE id = $1`, [id]))[0];

    it('takes images with their content and brings them back on restore; an image waits for its content', async () => {
      const content = await f.content();
      const images = [
        await f.image({ content_id: content.id }),
        await f.image({ content_id: content.id, position: 1 }),
      ];
      await asSystem(() =>
        f.db.transaction((manager) => softDeletes.softDelete(manager, Content, [content.id], null)),
      );
      const root = await deletedAt('igny8_content', content.id);
      for (const image of images) {
        expect(await deletedAt('igny8_images', image.id)).toEqual(root);
      }
      await expect(
        f.db.transaction((manager) => softDeletes.restore(manager, Image, images[0].id)),
      ).rejects.toMatchObject({ code: 'conflict', message: 'Restore the parent first.' });
      await f.db.transaction((manager) => softDeletes.restore(manager, Content, content.id));
      for (const image of images) {
        expect(await deletedAt('igny8_images', image.id)).toEqual({
          deleted_at: null,
          deleted_cascade_id: null,
        });
      }
    });

    it('takes every planner and writer row with its site, under one cascade id', async () => {
      const siteId = f.tenant.siteIds[1];
      const sectorId = f.tenant.sectorIds[1][0];
      const place = { site_id: siteId, sector_id: sectorId };
      const cluster = await f.cluster(place);
      const content = await f.content(place);
      const rows: [string, number][] = [
        ['igny8_keywords', (await f.keyword({ ...place, seed_keyword_id: f.seedIds[0][0] })).id],
        ['igny8_clusters', cluster.id],
        ['igny8_content_ideas', (await f.idea(place)).id],
        ['igny8_tasks', (await f.task({ ...place, cluster_id: cluster.id })).id],
        ['igny8_content', content.id],
        ['igny8_images', (await f.image({ ...place, content_id: content.id })).id],
        ['igny8_content_taxonomy_terms', (await f.taxonomy({ site_id: siteId })).id],
      ];
      await asSystem(() =>
        f.db.transaction((manager) => softDeletes.softDelete(manager, Site, [siteId], null)),
      );
      const root = await deletedAt('igny8_sites', siteId);
      expect(root.deleted_cascade_id).not.toBeNull();
      for (const [table, id] of rows) {
        expect({ table, ...(await deletedAt(table, id)) }).toEqual({ table, ...root });
      }
      await f.db.transaction((manager) => softDeletes.restore(manager, Site, siteId));
      for (const [table, id] of rows) {
        expect({ table, ...(await deletedAt(table, id)) }).toEqual({
          table,
          deleted_at: null,
          deleted_cascade_id: null,
        });
      }
    });
  });
});
