import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantContext } from '../../src/common/context/tenant-context.service.js';
import { APP_ROLE } from '../../src/common/tenancy/row-level-security.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { runAsPrincipal, type RunAs, seedTenant, type SeededTenant } from '../support/tenants.js';

interface AccountRow {
  account_id: number;
}

describe('row-level security (TENANT_RLS=true)', () => {
  let t: TestApp;
  let db: DataSource;
  let a: SeededTenant;
  let b: SeededTenant;
  let as: RunAs;

  /** The accounts owning the rows a raw statement without any account condition returns. */
  const accountsIn = async (table: string) =>
    (await db.query<AccountRow[]>(`SELECT DISTINCT account_id FROM ${table} ORDER BY account_id`)).map(
      (row) => Number(row.account_id),
    );

  beforeAll(async () => {
    t = await createTestApp({ env: { TENANT_RLS: 'true' } });
    db = t.app.get(DataSource);
    a = await seedTenant(t.app, { sites: 2 });
    b = await seedTenant(t.app, { sites: 1 });
    as = runAsPrincipal(t.app, 'owner');
  });
  afterAll(() => t.close());

  it('has a policy on the table of every entity with an account_id', async () => {
    const tenantTables = db.entityMetadatas
      .filter((metadata) => metadata.findColumnWithPropertyName('account_id') !== undefined)
      .map((metadata) => metadata.tableName);
    const rows = await db.query<{ table: string }[]>(
      `SELECT c.relname AS table FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relrowsecurity
          AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)`,
    );
    expect(rows.map((row) => row.table).sort()).toEqual([...new Set(tenantTables)].sort());
  });

  it("confines a raw SELECT without the account condition to the principal's account", async () => {
    const seen = await as({ accountId: a.accountId }, async () => ({
      role: (await db.query<{ role: string }[]>('SELECT current_user AS role'))[0].role,
      sites: await accountsIn('igny8_sites'),
      sectors: await accountsIn('igny8_sectors'),
      users: await accountsIn('igny8_users'),
    }));
    expect(seen).toEqual({
      role: APP_ROLE,
      sites: [a.accountId],
      sectors: [a.accountId],
      users: [a.accountId],
    });
    // The same pooled connections, next held by the other tenant, carry nothing of the first.
    expect(await as({ accountId: b.accountId }, () => accountsIn('igny8_sites'))).toEqual([b.accountId]);
  });

  it('refuses to move a row into another account, and foreign rows are not there to update', async () => {
    await as({ accountId: a.accountId }, async () => {
      await expect(
        db.query('UPDATE igny8_sites SET account_id = $1 WHERE id = $2', [b.accountId, a.siteIds[0]]),
      ).rejects.toThrow(/row-level security/);
      const [, touched] = await db.query<[unknown[], number]>(
        'UPDATE igny8_sites SET name = name WHERE id = $1',
        [b.siteIds[0]],
      );
      expect(touched).toBe(0);
    });
  });

  it('lets system work and tenant-bypassing principals see every account', async () => {
    const context = t.app.get(TenantContext);
    const both = [a.accountId, b.accountId].sort((x, y) => x - y);
    const asSystem = await as({ accountId: a.accountId }, () =>
      context.runAsSystem('test: every account', () => accountsIn('igny8_sites')),
    );
    expect(asSystem).toEqual(expect.arrayContaining(both));
    const asDeveloper = await as({ accountId: a.accountId, role: 'developer', bypassTenant: true }, () =>
      accountsIn('igny8_sites'),
    );
    expect(asDeveloper).toEqual(expect.arrayContaining(both));
  });

  it("carries a seed keyword's new volume to every account's keywords, whichever account changes it", async () => {
    const [seed] = await db.query<{ id: number; volume: number }[]>(
      'SELECT id, volume FROM igny8_seed_keywords ORDER BY id LIMIT 1',
    );
    const keywords = await Promise.all(
      [a, b].map(async (tenant) => {
        const [row] = await db.query<{ id: number }[]>(
          `INSERT INTO igny8_keywords (account_id, site_id, sector_id, seed_keyword_id, volume_override)
           VALUES ($1, $2, $3, $4, NULL) RETURNING id`,
          [tenant.accountId, tenant.siteIds[0], tenant.sectorIds[0][0], seed.id],
        );
        return Number(row.id);
      }),
    );
    const volumes = async () =>
      (
        await db.query<{ volume: number }[]>(
          'SELECT volume FROM igny8_keywords WHERE id = ANY($1) ORDER BY id',
          [keywords],
        )
      ).map((row) => row.volume);
    try {
      expect(await volumes()).toEqual([seed.volume, seed.volume]);
      await as({ accountId: a.accountId }, () =>
        db.query('UPDATE igny8_seed_keywords SET volume = $1 WHERE id = $2', [seed.volume + 7, seed.id]),
      );
      expect(await volumes()).toEqual([seed.volume + 7, seed.volume + 7]);
    } finally {
      await db.query('DELETE FROM igny8_keywords WHERE id = ANY($1)', [keywords]);
      await db.query('UPDATE igny8_seed_keywords SET volume = $1 WHERE id = $2', [seed.volume, seed.id]);
    }
  });

  it("lifts the policies for runAsSystem's statements alone inside a confined transaction", async () => {
    const context = t.app.get(TenantContext);
    const seen = await as({ accountId: a.accountId }, () =>
      db.transaction(async (tx) => {
        const accounts = async () =>
          (await tx.query<AccountRow[]>('SELECT DISTINCT account_id FROM igny8_sites')).map((row) =>
            Number(row.account_id),
          );
        return {
          before: await accounts(),
          system: await context.runAsSystem('test: every account in a transaction', accounts),
          after: await accounts(),
        };
      }),
    );
    expect(seen.before).toEqual([a.accountId]);
    expect(seen.system).toEqual(expect.arrayContaining([a.accountId, b.accountId]));
    expect(seen.after).toEqual([a.accountId]);
  });
});
