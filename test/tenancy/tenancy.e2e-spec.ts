import { ClsService } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingTenantContextError, TenantContext } from '../../src/common/context/tenant-context.service.js';
import { ApiError } from '../../src/common/http/error-codes.js';
import { ScopedRepositories } from '../../src/common/tenancy/scoped-repository.js';
import { SoftDeleteService } from '../../src/common/tenancy/soft-delete.service.js';
import { tenantSql } from '../../src/common/tenancy/tenant-sql.js';
import { TenantViolationError } from '../../src/common/tenancy/tenant.subscriber.js';
import { Sector } from '../../src/modules/identity/entities/sector.entity.js';
import { Site } from '../../src/modules/identity/entities/site.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { runAsPrincipal, type RunAs, seedTenant, type SeededTenant } from '../support/tenants.js';

describe('tenancy layers', () => {
  let t: TestApp;
  let a: SeededTenant;
  let b: SeededTenant;
  let as: RunAs;

  const sites = () =>
    t.app
      .get(ScopedRepositories)
      .for(Site, 's', { account: 's.account_id', site: 's.id', deletedAt: 's.deleted_at' });
  const sectors = () =>
    t.app
      .get(ScopedRepositories)
      .for(Sector, 'x', { account: 'x.account_id', site: 'x.site_id', deletedAt: 'x.deleted_at' });

  beforeAll(async () => {
    // The application's own layers: row-level security (TENANT_RLS) would hide the foreign rows
    // the tripwire must see; test/tenancy/row-level-security covers that backstop.
    t = await createTestApp({ env: { TENANT_RLS: 'false' } });
    a = await seedTenant(t.app, { sites: 2 });
    b = await seedTenant(t.app, { sites: 1 });
    as = runAsPrincipal(t.app, 'admin');
  });
  afterAll(() => t.close());

  it('fails closed without a principal, and runAsSystem is the explicit way around it', async () => {
    expect(() => sites().query()).toThrow(MissingTenantContextError);
    const context = t.app.get(TenantContext);
    const all = await t.app
      .get(ClsService)
      .run(() => context.runAsSystem('test: list every site', () => sites().query().getMany()));
    expect(all.length).toBeGreaterThanOrEqual(3);
  });

  it('scopes reads by account, by granted sites for editors/viewers, and by the API-key site', async () => {
    const adminIds = await as({ accountId: a.accountId, userId: a.users.admin.id }, () =>
      sites()
        .query()
        .getMany()
        .then((rows) => rows.map((row) => row.id).sort()),
    );
    expect(adminIds).toEqual([...a.siteIds].sort());
    const editorIds = await as({ accountId: a.accountId, userId: a.users.editor.id, role: 'editor' }, () =>
      sites()
        .query()
        .getMany()
        .then((rows) => rows.map((row) => row.id)),
    );
    expect(editorIds).toEqual([a.siteIds[0]]);
    const keyIds = await as(
      { accountId: a.accountId, siteId: a.siteIds[1], role: 'editor', via: 'api_key' },
      () =>
        sites()
          .query()
          .getMany()
          .then((rows) => rows.map((row) => row.id)),
    );
    expect(keyIds).toEqual([a.siteIds[1]]);
    const developer = await as({ accountId: b.accountId, role: 'developer', bypassTenant: true }, () =>
      sites().visibleIds([...a.siteIds, ...b.siteIds]),
    );
    expect(developer.sort()).toEqual([...a.siteIds, ...b.siteIds].sort());
  });

  it('tenantSql scopes every tenant table it names, binds values, and refuses unscoped or context-less statements', async () => {
    const db = t.app.get(DataSource);
    const everySite = [...a.siteIds, ...b.siteIds];
    const visibleSites = () => {
      const sql = tenantSql(db.manager);
      const s = sql.table(Site, 's');
      const x = sql.table(Sector, 'x');
      return sql.query<{ id: number }[]>`
        SELECT DISTINCT s.id FROM ${s} JOIN ${x} ON x.site_id = s.id AND ${x.scope}
         WHERE ${s.scope} AND s.id = ANY(${everySite}::bigint[]) ORDER BY s.id`;
    };
    const ids = (rows: { id: number }[]) => rows.map((row) => Number(row.id));
    const sorted = (list: number[]) => [...list].sort((p, q) => p - q);
    expect(ids(await as({ accountId: a.accountId, userId: a.users.admin.id }, visibleSites))).toEqual(
      sorted(a.siteIds),
    );
    expect(
      ids(await as({ accountId: a.accountId, userId: a.users.editor.id, role: 'editor' }, visibleSites)),
    ).toEqual([a.siteIds[0]]);
    expect(
      ids(await as({ accountId: b.accountId, role: 'developer', bypassTenant: true }, visibleSites)),
    ).toEqual(sorted(everySite));
    await expect(visibleSites()).rejects.toBeInstanceOf(MissingTenantContextError);

    await as({ accountId: a.accountId, userId: a.users.admin.id }, async () => {
      const sql = tenantSql(db.manager);
      const s = sql.table(Site, 's');
      await expect(sql.query`SELECT s.id FROM ${s}`).rejects.toThrow('named without its tenant scope');
      const hostile = "x'; DELETE FROM igny8_sites; --";
      expect(await sql.query<{ value: string }[]>`SELECT ${hostile}::text AS value`).toEqual([
        { value: hostile },
      ]);
    });
  });

  it('sql.returning gives the rows of an UPDATE … RETURNING (query() answers [rows, count] for it)', async () => {
    const db = t.app.get(DataSource);
    await as({ accountId: a.accountId, userId: a.users.admin.id }, async () => {
      const sql = tenantSql(db.manager);
      const s = sql.table(Site, 's');
      const touch = (ids: number[]) => sql.sql`
        UPDATE ${s} SET updated_at = now() WHERE ${s.scope} AND s.id = ANY(${ids}::bigint[]) RETURNING s.id`;
      // The shape that made every "did it change?" check true: two entries, whatever matched.
      const raw = await sql.query<unknown[]>`${touch([])}`;
      expect(raw).toEqual([[], 0]);
      expect(await sql.returning`${touch([])}`).toEqual([]);
      const mine = await sql.returning<{ id: number }>`${touch([a.siteIds[0]])}`;
      expect(mine.map((row) => Number(row.id))).toEqual([a.siteIds[0]]);
      // Another account's row is outside the scope: nothing returned, nothing changed.
      expect(await sql.returning`${touch([b.siteIds[0]])}`).toEqual([]);
    });
  });

  it('treats a foreign id exactly like a missing one: 404 in a path, 400 on the field in a body', async () => {
    await as({ accountId: a.accountId, userId: a.users.admin.id }, async () => {
      await expect(sites().getVisible(b.siteIds[0])).rejects.toMatchObject({
        status: 404,
        code: 'not_found',
      });
      await expect(sites().getVisible(999_999_999)).rejects.toMatchObject({ status: 404, code: 'not_found' });
      const foreign = await sites()
        .reference('site_id', b.siteIds[0])
        .catch((e: ApiError) => e);
      const missing = await sites()
        .reference('site_id', 999_999_999)
        .catch((e: ApiError) => e);
      expect(foreign).toBeInstanceOf(ApiError);
      expect((foreign as ApiError).extra.errors).toEqual({
        site_id: [`Invalid pk "${b.siteIds[0]}" - object does not exist.`],
      });
      expect((missing as ApiError).code).toBe('validation_error');
    });
  });

  it('trips when a foreign row is loaded outside the scoped layer, and refuses to move rows across accounts', async () => {
    const db = t.app.get(DataSource);
    await as({ accountId: a.accountId, userId: a.users.admin.id }, async () => {
      await expect(db.getRepository(Site).findOneBy({ id: b.siteIds[0] })).rejects.toBeInstanceOf(
        TenantViolationError,
      );
      const own = await db.getRepository(Site).findOneByOrFail({ id: a.siteIds[0] });
      own.account_id = b.accountId;
      await expect(db.getRepository(Site).save(own)).rejects.toBeInstanceOf(TenantViolationError);
    });
    const [row] = await db.query<{ account_id: number }[]>(
      'SELECT account_id FROM igny8_sites WHERE id = $1',
      [a.siteIds[0]],
    );
    expect(row.account_id).toBe(a.accountId);
  });

  it('stamps account_id from the site on insert and checks the sector belongs to it', async () => {
    const db = t.app.get(DataSource);
    const [template] = await db.query<{ id: number }[]>(
      "SELECT s.id FROM igny8_industry_sectors s JOIN igny8_industries i ON i.id = s.industry_id WHERE i.slug = 'technology' ORDER BY s.sort_order DESC LIMIT 1",
    );
    await as({ accountId: a.accountId, userId: a.users.admin.id }, async () => {
      const sector = db.getRepository(Sector).create({
        site_id: a.siteIds[1],
        industry_sector_id: template.id,
        name: 'Stamped',
        slug: 'stamped',
        account_id: b.accountId,
      });
      const saved = await db.getRepository(Sector).save(sector);
      expect(saved.account_id).toBe(a.accountId);
      expect(saved.created_by).toBe(a.users.admin.id);
    });
  });

  it('soft-deletes with a shared cascade id, hides rows, restores them together and purges from the trash', async () => {
    const softDeletes = t.app.get(SoftDeleteService);
    const db = t.app.get(DataSource);
    const siteId = a.siteIds[1];
    await as({ accountId: a.accountId, userId: a.users.admin.id }, async () => {
      await db.transaction((m) => softDeletes.softDelete(m, Site, [siteId], a.users.admin.id));
      expect(await sites().findVisible(siteId)).toBeNull();
      expect(await sites().findVisible(siteId, { trash: true })).not.toBeNull();
      expect(await sectors().query().andWhere('x.site_id = :siteId', { siteId }).getCount()).toBe(0);
    });
    const deleted = await db.query<{ deleted_cascade_id: string; deleted_by: number }[]>(
      'SELECT deleted_cascade_id, deleted_by FROM igny8_sectors WHERE site_id = $1',
      [siteId],
    );
    const [site] = await db.query<{ deleted_cascade_id: string }[]>(
      'SELECT deleted_cascade_id FROM igny8_sites WHERE id = $1',
      [siteId],
    );
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((row) => row.deleted_cascade_id === site.deleted_cascade_id)).toBe(true);

    const sectorId = a.sectorIds[1][0];
    await as({ accountId: a.accountId, userId: a.users.admin.id }, async () => {
      await expect(db.transaction((m) => softDeletes.restore(m, Sector, sectorId))).rejects.toMatchObject({
        status: 409,
        message: 'Restore the parent first.',
      });
      await db.transaction((m) => softDeletes.restore(m, Site, siteId));
      expect(await sectors().query().andWhere('x.site_id = :siteId', { siteId }).getCount()).toBe(
        deleted.length,
      );

      await db.transaction((m) => softDeletes.softDelete(m, Sector, [sectorId], null));
      await db.transaction((m) => softDeletes.purge(m, Sector, [sectorId]));
    });
    const gone = await db.query<unknown[]>('SELECT id FROM igny8_sectors WHERE id = $1', [sectorId]);
    expect(gone).toHaveLength(0);
  });
});
