import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TokenService } from '../../src/common/auth/token.service.js';
import { ClsService } from 'nestjs-cls';
import type { Principal, RequestContextStore, Role } from '../../src/common/context/request-context.js';
import { randomBase62, sha256Hex } from '../../src/common/crypto.js';

export interface SeededUser {
  id: number;
  email: string;
  role: Role;
  token: string;
  /** `Authorization` header for this user. */
  auth: { authorization: string };
}

export interface SeededTenant {
  accountId: number;
  slug: string;
  siteIds: number[];
  /** Sector ids per site, in the order of `siteIds`. */
  sectorIds: number[][];
  /** The site API key of each site, in the order of `siteIds`. */
  apiKeys: string[];
  users: Record<'owner' | 'admin' | 'editor' | 'viewer', SeededUser>;
}

export interface SeedOptions {
  sites?: number;
  sectorsPerSite?: number;
  plan?: string;
  /** Grant the editor and viewer the first site only (default) or every site. */
  grantAll?: boolean;
  isSystem?: boolean;
}

/** A password hash nobody can log in with; tests that log in set a real one. */
const UNUSABLE_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * Creates a whole tenant with plain SQL (fast, independent of the endpoints under test): an account
 * on `plan`, owner/admin/editor/viewer users with access tokens, sites in the `technology` industry
 * with sectors, and editor/viewer grants.
 */
export async function seedTenant(
  app: NestFastifyApplication,
  options: SeedOptions = {},
): Promise<SeededTenant> {
  const db = app.get(DataSource);
  const tokens = app.get(TokenService);
  const tag = randomBytes(4).toString('hex');
  const [{ id: accountId }] = await db.query<{ id: number }[]>(
    `INSERT INTO igny8_accounts (name, slug, plan_id, status, is_system, credits)
     SELECT $1, $2, id, 'active', $4, 1000 FROM igny8_plans WHERE slug = $3 RETURNING id`,
    [`Tenant ${tag}`, `tenant-${tag}`, options.plan ?? 'scale', options.isSystem ?? false],
  );
  const users = {} as SeededTenant['users'];
  for (const role of ['owner', 'admin', 'editor', 'viewer'] as const) {
    const email = `${role}-${tag}@example.com`;
    const [{ id }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_users (account_id, email, username, password_hash, role)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [accountId, email, `${role}-${tag}`, UNUSABLE_HASH, role],
    );
    const token = tokens.issueAccess({ id, account_id: accountId, role }).token;
    users[role] = { id, email, role, token, auth: { authorization: `Bearer ${token}` } };
  }
  await db.query('UPDATE igny8_accounts SET owner_id = $1 WHERE id = $2', [users.owner.id, accountId]);

  const templates = await db.query<{ id: number; slug: string; name: string }[]>(
    `SELECT s.id, s.slug, s.name FROM igny8_industry_sectors s JOIN igny8_industries i ON i.id = s.industry_id
      WHERE i.slug = 'technology' ORDER BY s.sort_order, s.id`,
  );
  const siteIds: number[] = [];
  const sectorIds: number[][] = [];
  const apiKeys: string[] = [];
  for (let i = 0; i < (options.sites ?? 1); i++) {
    const [{ id: siteId }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_sites (account_id, name, slug, industry_id)
       SELECT $1, $2, $3, id FROM igny8_industries WHERE slug = 'technology' RETURNING id`,
      [accountId, `Site ${i + 1} ${tag}`, `site-${i + 1}-${tag}`],
    );
    siteIds.push(siteId);
    const apiKey = `igny8_sk_${randomBase62(40)}`;
    await db.query(
      'UPDATE igny8_sites SET wp_api_key_hash = $1, api_key_last4 = $2, api_key_created_at = now() WHERE id = $3',
      [sha256Hex(apiKey), apiKey.slice(-4), siteId],
    );
    apiKeys.push(apiKey);
    const sectors: number[] = [];
    for (const template of templates.slice(0, options.sectorsPerSite ?? 2)) {
      const [{ id }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_sectors (account_id, site_id, industry_sector_id, name, slug)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [accountId, siteId, template.id, template.name, template.slug],
      );
      sectors.push(id);
    }
    sectorIds.push(sectors);
  }
  for (const role of ['editor', 'viewer'] as const) {
    for (const siteId of options.grantAll ? siteIds : siteIds.slice(0, 1)) {
      await db.query('INSERT INTO igny8_site_user_access (user_id, site_id) VALUES ($1, $2)', [
        users[role].id,
        siteId,
      ]);
    }
  }
  return { accountId, slug: `tenant-${tag}`, siteIds, sectorIds, apiKeys, users };
}

/** Every row of the given tables, for before/after comparisons ("nothing changed"). */
export async function snapshot(
  app: NestFastifyApplication,
  tables: string[],
): Promise<Record<string, unknown[]>> {
  const db = app.get(DataSource);
  const result: Record<string, unknown[]> = {};
  for (const table of tables) result[table] = await db.query(`SELECT * FROM ${table} ORDER BY id`);
  return result;
}

/** Runs work as a principal of an account, in a fresh request context of `app`. */
export type RunAs = <T>(
  principal: Partial<Principal> & { accountId: number },
  fn: () => Promise<T>,
) => Promise<T>;

/** A `RunAs` for direct service calls in tests, with `role` unless the principal names another. */
export function runAsPrincipal(app: NestFastifyApplication, role: Role): RunAs {
  const cls = app.get<ClsService<RequestContextStore>>(ClsService);
  return (principal, fn) =>
    cls.run(() => {
      cls.set('requestId', 'test');
      cls.set('principal', {
        userId: null,
        siteId: null,
        role,
        bypassTenant: false,
        via: 'jwt',
        ...principal,
      });
      return fn();
    });
}
