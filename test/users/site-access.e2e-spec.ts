import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant, type SeededUser } from '../support/tenants.js';
import { call, db, identityRows, seedDeveloper } from './support.js';

const ACCESS = '/api/v1/auth/site-access/';

describe('auth/site-access', () => {
  let t: TestApp;
  let a: SeededTenant;
  let b: SeededTenant;
  let dev: SeededUser;

  beforeAll(async () => {
    t = await createTestApp();
    a = await seedTenant(t.app, { sites: 3 });
    b = await seedTenant(t.app, { sites: 2 });
    dev = await seedDeveloper(t);
  });
  afterAll(() => t.close());

  const grantsOf = async (userId: number) =>
    (
      await db(t).query<{ site_id: number }[]>(
        'SELECT site_id FROM igny8_site_user_access WHERE user_id = $1 ORDER BY site_id',
        [userId],
      )
    ).map((row) => row.site_id);

  it('grants a site to an editor: 201 with user_email and site_name; the editor then sees the site', async () => {
    const before = await call(t, a.users.editor, 'GET', `/api/v1/auth/sites/${a.siteIds[1]}/`);
    expect(before.statusCode).toBe(404);
    const res = await call(t, a.users.admin, 'POST', ACCESS, {
      user_id: a.users.editor.id,
      site_id: a.siteIds[1],
    });
    expect(res.statusCode, res.body).toBe(201);
    const grant = res.json().data;
    expect(Object.keys(grant).sort()).toEqual(
      ['id', 'user_id', 'site_id', 'granted_by', 'created_at', 'user_email', 'site_name'].sort(),
    );
    expect(grant).toMatchObject({
      user_id: a.users.editor.id,
      site_id: a.siteIds[1],
      granted_by: a.users.admin.id,
      user_email: a.users.editor.email,
    });
    expect(grant.site_name).toMatch(/^Site 2 /);
    const after = await call(t, a.users.editor, 'GET', `/api/v1/auth/sites/${a.siteIds[1]}/`);
    expect(after.statusCode).toBe(200);

    const get = await call(t, a.users.owner, 'GET', `${ACCESS}${grant.id}/`);
    expect(get.json().data).toEqual(grant);
  });

  it('refuses duplicates (non_field_errors) and targets that are not editors or viewers (errors.user_id)', async () => {
    const before = await identityRows(t);
    const duplicate = await call(t, a.users.admin, 'POST', ACCESS, {
      user_id: a.users.viewer.id,
      site_id: a.siteIds[0],
    });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json().errors).toEqual({
      non_field_errors: ['This user already has access to this site.'],
    });
    for (const role of ['admin', 'owner'] as const) {
      const res = await call(t, a.users.admin, 'POST', ACCESS, {
        user_id: a.users[role].id,
        site_id: a.siteIds[2],
      });
      expect(res.statusCode).toBe(400);
      expect(Object.keys(res.json().errors)).toEqual(['user_id']);
    }
    const missing = await call(t, a.users.admin, 'POST', ACCESS, {});
    expect(missing.json().errors).toEqual({
      user_id: ['This field is required.'],
      site_id: ['This field is required.'],
    });
    const wrongType = await call(t, a.users.admin, 'POST', ACCESS, { user_id: 'x', site_id: a.siteIds[2] });
    expect(wrongType.json().errors).toEqual({
      user_id: ['Incorrect type. Expected pk value, received str.'],
    });
    expect(await identityRows(t)).toEqual(before);
  });

  it('treats foreign users and sites like missing ones: 400 on the field, nothing written', async () => {
    const before = await identityRows(t);
    for (const [body, field, id] of [
      [{ user_id: b.users.editor.id, site_id: a.siteIds[2] }, 'user_id', b.users.editor.id],
      [{ user_id: 999_999_999, site_id: a.siteIds[2] }, 'user_id', 999_999_999],
      [{ user_id: a.users.editor.id, site_id: b.siteIds[1] }, 'site_id', b.siteIds[1]],
      [{ user_id: a.users.editor.id, site_id: 999_999_999 }, 'site_id', 999_999_999],
    ] as const) {
      const res = await call(t, a.users.admin, 'POST', ACCESS, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual({ [field]: [`Invalid pk "${id}" - object does not exist.`] });
    }
    expect(await identityRows(t)).toEqual(before);
  });

  it('lists the account grants, filters by user_id and site_id; foreign filters give an empty list', async () => {
    const all = await call(t, a.users.admin, 'GET', `${ACCESS}?page_size=100`);
    expect(all.statusCode).toBe(200);
    const rows = all.json().results as { user_id: number; site_id: number }[];
    expect(rows.length).toBe(3);
    expect(rows.every((row) => a.siteIds.includes(row.site_id))).toBe(true);
    const byUser = await call(t, a.users.admin, 'GET', `${ACCESS}?user_id=${a.users.editor.id}`);
    expect(
      byUser
        .json()
        .results.map((row: { site_id: number }) => row.site_id)
        .sort(),
    ).toEqual([a.siteIds[0], a.siteIds[1]].sort());
    const bySite = await call(t, a.users.admin, 'GET', `${ACCESS}?site_id=${a.siteIds[1]}`);
    expect(bySite.json().count).toBe(1);
    for (const filter of [`user_id=${b.users.editor.id}`, `site_id=${b.siteIds[0]}`, 'site_id=999999999']) {
      const res = await call(t, a.users.admin, 'GET', `${ACCESS}?${filter}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ count: 0, results: [] });
    }
    const developer = await call(t, dev, 'GET', `${ACCESS}?site_id=${b.siteIds[0]}`);
    expect(developer.json().count).toBe(2);
  });

  it('hides grants whose user is deleted', async () => {
    const tenant = await seedTenant(t.app);
    await call(t, tenant.users.admin, 'DELETE', `/api/v1/auth/users/${tenant.users.viewer.id}/`);
    const res = await call(t, tenant.users.admin, 'GET', ACCESS);
    expect(res.json().results.map((row: { user_id: number }) => row.user_id)).toEqual([
      tenant.users.editor.id,
    ]);
  });

  it('deletes a grant for good (hard delete); foreign or missing grants answer 404', async () => {
    const [foreign] = await db(t).query<{ id: number }[]>(
      'SELECT id FROM igny8_site_user_access WHERE user_id = $1',
      [b.users.viewer.id],
    );
    const before = await identityRows(t);
    for (const id of [foreign.id, 999_999_999]) {
      expect((await call(t, a.users.admin, 'GET', `${ACCESS}${id}/`)).statusCode).toBe(404);
      expect((await call(t, a.users.admin, 'DELETE', `${ACCESS}${id}/`)).statusCode).toBe(404);
    }
    expect(await identityRows(t)).toEqual(before);

    const [own] = await db(t).query<{ id: number }[]>(
      'SELECT id FROM igny8_site_user_access WHERE user_id = $1 AND site_id = $2',
      [a.users.editor.id, a.siteIds[1]],
    );
    const res = await call(t, a.users.admin, 'DELETE', `${ACCESS}${own.id}/`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ data: null, message: 'Deleted.' });
    expect(await grantsOf(a.users.editor.id)).toEqual([a.siteIds[0]]);
    expect((await call(t, a.users.editor, 'GET', `/api/v1/auth/sites/${a.siteIds[1]}/`)).statusCode).toBe(
      404,
    );
  });

  it('is admin-only and has no update, trash or restore routes', async () => {
    for (const role of ['viewer', 'editor'] as const) {
      expect((await call(t, a.users[role], 'GET', ACCESS)).statusCode).toBe(403);
      const create = await call(t, a.users[role], 'POST', ACCESS, {
        user_id: a.users.viewer.id,
        site_id: a.siteIds[2],
      });
      expect(create.statusCode).toBe(403);
    }
    const [own] = await db(t).query<{ id: number }[]>(
      'SELECT id FROM igny8_site_user_access WHERE user_id = $1',
      [a.users.viewer.id],
    );
    for (const method of ['PUT', 'PATCH'] as const) {
      const res = await call(t, a.users.admin, method, `${ACCESS}${own.id}/`, { site_id: a.siteIds[2] });
      expect(res.statusCode).toBe(405);
    }
    expect((await call(t, a.users.admin, 'GET', `${ACCESS}trash/`)).statusCode).toBe(404);
  });
});
