import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/common/http/error-codes.js';
import { SoftDeleteService } from '../../src/common/tenancy/soft-delete.service.js';
import { Sector } from '../../src/modules/identity/entities/sector.entity.js';
import { Site } from '../../src/modules/identity/entities/site.entity.js';
import { Cluster } from '../../src/modules/planner/entities/cluster.entity.js';
import { ContentIdeaKeyword } from '../../src/modules/planner/entities/content-idea-keyword.entity.js';
import { ContentIdea } from '../../src/modules/planner/entities/content-idea.entity.js';
import { Keyword } from '../../src/modules/planner/entities/keyword.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { plannerWriterFixture, RESTRICTED, violation, type PlannerWriterFixture } from './schema-support.js';

describe('planner schema', () => {
  let t: TestApp;
  let f: PlannerWriterFixture;

  beforeAll(async () => {
    t = await createTestApp();
    f = await plannerWriterFixture(t, { sites: 2 });
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('columns', () => {
    it('stores keywords with number ids, the site account and the defaults', async () => {
      const keyword = await f.keyword({ account_id: 999_999 });
      const loaded = await f.db.getRepository(Keyword).findOneByOrFail({ id: keyword.id });
      expect(typeof loaded.id).toBe('number');
      expect(loaded).toMatchObject({
        account_id: f.tenant.accountId,
        site_id: f.siteId,
        sector_id: f.sectorIds[0],
        seed_keyword_id: f.seedIds[0][0],
        volume_override: null,
        difficulty_override: null,
        attribute_values: [],
        cluster_id: null,
        status: 'new',
        disabled: false,
        created_by: null,
        deleted_at: null,
        deleted_by: null,
        deleted_cascade_id: null,
      });
      expect(typeof loaded.seed_keyword_id).toBe('number');
      expect(loaded.created_at).toBeInstanceOf(Date);
      await f.hardDelete('igny8_keywords', keyword.id);
    });

    it('stores clusters and ideas with their defaults', async () => {
      const cluster = await f.db.getRepository(Cluster).findOneByOrFail({ id: (await f.cluster()).id });
      expect(cluster).toMatchObject({
        description: '',
        keywords_count: 0,
        volume: 0,
        mapped_pages: 0,
        status: 'new',
        disabled: false,
      });
      const idea = await f.db
        .getRepository(ContentIdea)
        .findOneByOrFail({ id: (await f.idea({ keyword_cluster_id: cluster.id })).id });
      expect(idea).toMatchObject({
        keyword_cluster_id: cluster.id,
        description: '',
        target_keywords: '',
        status: 'new',
        disabled: false,
        estimated_word_count: 1000,
        content_type: 'post',
        content_structure: 'article',
        outline: null,
        brief: '',
        audience: '',
        tone: '',
        call_to_action: '',
        language: 'en',
        is_priority: false,
      });
      expect(typeof idea.keyword_cluster_id).toBe('number');
    });

    it('refuses a sector of another site (TenantSubscriber)', async () => {
      const write = f.keyword({ sector_id: f.tenant.sectorIds[1][0] });
      await expect(write).rejects.toBeInstanceOf(ApiError);
      await expect(write).rejects.toMatchObject({
        extra: { errors: { sector_id: ['Sector does not belong to the site.'] } },
      });
    });
  });

  describe('CHECK constraints', () => {
    it('rejects bad enum values and out-of-range numbers', async () => {
      const cases: [() => Promise<unknown>, string][] = [
        [() => f.keyword({ status: 'clustered' as never }), 'igny8_keywords_status_check'],
        [() => f.keyword({ volume_override: -1 }), 'igny8_keywords_volume_override_check'],
        [() => f.keyword({ difficulty_override: 101 }), 'igny8_keywords_difficulty_override_check'],
        [() => f.keyword({ difficulty_override: -1 }), 'igny8_keywords_difficulty_override_check'],
        [() => f.cluster({ status: 'queued' as never }), 'igny8_clusters_status_check'],
        [() => f.cluster({ keywords_count: -1 }), 'igny8_clusters_keywords_count_check'],
        [() => f.cluster({ volume: -1 }), 'igny8_clusters_volume_check'],
        [() => f.cluster({ mapped_pages: -1 }), 'igny8_clusters_mapped_pages_check'],
        [() => f.idea({ status: 'mapped' as never }), 'igny8_content_ideas_status_check'],
        [() => f.idea({ content_type: 'video' as never }), 'igny8_content_ideas_content_type_check'],
        [
          () => f.idea({ content_structure: 'essay' as never }),
          'igny8_content_ideas_content_structure_check',
        ],
        [() => f.idea({ estimated_word_count: 99 }), 'igny8_content_ideas_estimated_word_count_check'],
        [() => f.idea({ estimated_word_count: 10_001 }), 'igny8_content_ideas_estimated_word_count_check'],
      ];
      for (const [write, constraint] of cases) {
        expect(await violation(write())).toEqual({ code: '23514', constraint });
      }
    });

    it('accepts the limits of every range and every content structure', async () => {
      const keyword = await f.keyword({
        seed_keyword_id: f.seedIds[0][1],
        volume_override: 0,
        difficulty_override: 100,
      });
      expect(keyword).toMatchObject({ volume_override: 0, difficulty_override: 100 });
      await f.hardDelete('igny8_keywords', keyword.id);
      for (const [estimated_word_count, content_structure] of [
        [100, 'cluster_hub'],
        [10_000, 'attribute_archive'],
      ] as const) {
        await expect(
          f.idea({ estimated_word_count, content_structure, content_type: 'taxonomy' }),
        ).resolves.toMatchObject({ estimated_word_count });
      }
    });
  });

  describe('partial unique indexes', () => {
    it('allows a seed once per site and sector among live keywords', async () => {
      const seed = f.seedIds[0][2];
      const first = await f.keyword({ seed_keyword_id: seed });
      expect(await violation(f.keyword({ seed_keyword_id: seed }))).toEqual({
        code: '23505',
        constraint: 'igny8_keywords_seed_site_sector_uniq',
      });
      // The same seed on another site of the account is another keyword.
      const other = await f.keyword({
        seed_keyword_id: seed,
        site_id: f.tenant.siteIds[1],
        sector_id: f.tenant.sectorIds[1][0],
      });
      expect(other.account_id).toBe(f.tenant.accountId);

      await f.softDelete('igny8_keywords', first.id);
      const again = await f.keyword({ seed_keyword_id: seed });
      expect(again.id).toBeGreaterThan(first.id);
      // Restoring the deleted one would now collide with the live one.
      expect(await violation(f.db.getRepository(Keyword).update(first.id, { deleted_at: null }))).toEqual({
        code: '23505',
        constraint: 'igny8_keywords_seed_site_sector_uniq',
      });
    });

    it('keeps cluster names unique per site and sector, case-insensitively, among live clusters', async () => {
      const first = await f.cluster({ name: 'Running Shoes' });
      expect(await violation(f.cluster({ name: 'running shoes' }))).toEqual({
        code: '23505',
        constraint: 'igny8_clusters_site_sector_name_uniq',
      });
      await expect(f.cluster({ name: 'Running Shoes', sector_id: f.sectorIds[1] })).resolves.toMatchObject({
        name: 'Running Shoes',
      });
      await f.softDelete('igny8_clusters', first.id);
      await expect(f.cluster({ name: 'RUNNING SHOES' })).resolves.toMatchObject({ name: 'RUNNING SHOES' });
    });

    it('links a keyword to an idea at most once', async () => {
      const idea = await f.idea();
      const keyword = await f.keyword({ seed_keyword_id: f.seedIds[0][3] });
      await f.insert(ContentIdeaKeyword, { content_idea_id: idea.id, keyword_id: keyword.id });
      const { code } = await violation(
        f.db.query('INSERT INTO igny8_content_ideas_keyword_objects VALUES ($1, $2)', [idea.id, keyword.id]),
      );
      expect(code).toBe('23505');
      const [link] = await f.db.getRepository(ContentIdeaKeyword).findBy({ content_idea_id: idea.id });
      expect(link).toEqual({ content_idea_id: idea.id, keyword_id: keyword.id });
    });
  });

  describe('foreign keys', () => {
    it('refuses to delete a seed keyword in use, until its keywords are gone', async () => {
      const seed = f.seedIds[1][0];
      const keyword = await f.keyword({ seed_keyword_id: seed, sector_id: f.sectorIds[1] });
      const { code } = await violation(f.hardDelete('igny8_seed_keywords', seed));
      expect(RESTRICTED).toContain(code);
      // Soft-deleted keywords still hold the seed.
      await f.softDelete('igny8_keywords', keyword.id);
      expect(RESTRICTED).toContain((await violation(f.hardDelete('igny8_seed_keywords', seed))).code);
      await f.hardDelete('igny8_keywords', keyword.id);
      await f.hardDelete('igny8_seed_keywords', seed);
      expect(await f.db.query('SELECT id FROM igny8_seed_keywords WHERE id = $1', [seed])).toEqual([]);
    });

    it('detaches keywords and ideas from a purged cluster, and refuses a seed or cluster that does not exist', async () => {
      const cluster = await f.cluster();
      const keyword = await f.keyword({
        seed_keyword_id: f.seedIds[0][4],
        cluster_id: cluster.id,
        status: 'mapped',
      });
      const idea = await f.idea({ keyword_cluster_id: cluster.id });
      await f.hardDelete('igny8_clusters', cluster.id);
      expect(await f.db.getRepository(Keyword).findOneByOrFail({ id: keyword.id })).toMatchObject({
        cluster_id: null,
        status: 'mapped',
      });
      expect(await f.db.getRepository(ContentIdea).findOneByOrFail({ id: idea.id })).toMatchObject({
        keyword_cluster_id: null,
      });
      expect((await violation(f.keyword({ seed_keyword_id: 987_654_321 }))).code).toBe('23503');
      expect((await violation(f.idea({ keyword_cluster_id: 987_654_321 }))).code).toBe('23503');
    });

    it('removes idea↔keyword links with either side', async () => {
      const [idea, other] = [await f.idea(), await f.idea()];
      const [a, b] = [
        await f.keyword({ seed_keyword_id: f.seedIds[0][5] }),
        await f.keyword({ seed_keyword_id: f.seedIds[1][1], sector_id: f.sectorIds[1] }),
      ];
      for (const [ideaId, keywordId] of [
        [idea.id, a.id],
        [idea.id, b.id],
        [other.id, a.id],
      ]) {
        await f.insert(ContentIdeaKeyword, { content_idea_id: ideaId, keyword_id: keywordId });
      }
      await f.hardDelete('igny8_keywords', a.id);
      expect(await f.db.getRepository(ContentIdeaKeyword).findBy({ keyword_id: a.id })).toEqual([]);
      await f.hardDelete('igny8_content_ideas', idea.id);
      expect(await f.db.getRepository(ContentIdeaKeyword).findBy({ keyword_id: b.id })).toEqual([]);
      expect(await f.db.getRepository(Keyword).findOneBy({ id: b.id })).not.toBeNull();
    });

    it('removes every planner row with its sector, and with its site', async () => {
      const sectorId = f.tenant.sectorIds[1][1];
      const siteId = f.tenant.siteIds[1];
      const rows = {
        keyword: await f.keyword({ seed_keyword_id: f.seedIds[1][2], site_id: siteId, sector_id: sectorId }),
        cluster: await f.cluster({ site_id: siteId, sector_id: sectorId }),
        idea: await f.idea({ site_id: siteId, sector_id: sectorId }),
      };
      await f.hardDelete('igny8_sectors', sectorId);
      for (const [table, row] of [
        ['igny8_keywords', rows.keyword],
        ['igny8_clusters', rows.cluster],
        ['igny8_content_ideas', rows.idea],
      ] as const) {
        expect(await f.db.query(`SELECT id FROM ${table} WHERE id = $1`, [row.id])).toEqual([]);
      }
      await f.hardDelete('igny8_sites', siteId);
      expect(await f.db.query('SELECT id FROM igny8_keywords WHERE site_id = $1', [siteId])).toEqual([]);
    });
  });

  it('declares the soft-delete cascades and restore parents', () => {
    const softDeletes = t.app.get(SoftDeleteService);
    const planner = ['igny8_keywords', 'igny8_clusters', 'igny8_content_ideas'];
    for (const [parent, column] of [
      [Site, 'site_id'],
      [Sector, 'sector_id'],
    ] as const) {
      expect(softDeletes.cascadesFrom(parent)).toEqual(
        expect.arrayContaining(planner.map((table) => ({ table, column }))),
      );
    }
    for (const entity of [Keyword, Cluster, ContentIdea]) {
      expect(softDeletes.parentsOf(entity)).toEqual([
        { table: 'igny8_sites', column: 'site_id' },
        { table: 'igny8_sectors', column: 'sector_id' },
      ]);
    }
  });
});
