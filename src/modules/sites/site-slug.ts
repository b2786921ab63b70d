import type { EntityManager } from 'typeorm';
import type { TenantContext } from '../../common/context/tenant-context.service.js';
import { slugify } from '../identity/unique-names.js';

/**
 * The first free slug among live sites of every account: `base`, `base-2`, … The check is global by
 * nature (a system read, so row-level security does not confine it) and reads nothing but slugs (so
 * it is raw SQL outside the tenant scope, see the ESLint allowlist); the partial unique index settles
 * races.
 */
export async function uniqueSiteSlug(
  manager: EntityManager,
  context: TenantContext,
  name: string,
): Promise<string> {
  const base = slugify(name, 'site');
  const rows: { slug: string }[] = await context.runAsSystem('site slugs are unique across accounts', () =>
    manager.query(
      `SELECT slug FROM igny8_sites WHERE deleted_at IS NULL AND (slug = $1 OR slug LIKE $1 || '-%')`,
      [base],
    ),
  );
  const taken = new Set(rows.map((row) => row.slug));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
