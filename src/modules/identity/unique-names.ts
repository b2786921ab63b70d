import type { EntityManager } from 'typeorm';
import type { TenantContext } from '../../common/context/tenant-context.service.js';
import { RESERVED_ACCOUNT_SLUGS } from './entities/account.entity.js';

/** Lowercase ASCII words joined by `-` (docs/domain-model.md#accounts). */
export function slugify(name: string, fallback = 'account'): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200)
    .replace(/-+$/g, '');
  return slug || fallback;
}

/**
 * The first free slug: `base`, else `base-2`, `base-3`, … Reserved slugs (`aws-admin`, `default`,
 * `default-account`) count as taken, so registration never hands them out.
 */
export async function uniqueAccountSlug(manager: EntityManager, name: string): Promise<string> {
  const base = slugify(name);
  const rows: { slug: string }[] = await manager.query(
    `SELECT slug FROM igny8_accounts WHERE deleted_at IS NULL AND (slug = $1 OR slug LIKE $1 || '-%')`,
    [base],
  );
  const taken = new Set<string>([...RESERVED_ACCOUNT_SLUGS, ...rows.map((row) => row.slug)]);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function usernameBase(email: string): string {
  const local = email.split('@')[0] ?? '';
  return local.replace(/[^\w.@+-]/g, '').slice(0, 140) || 'user';
}

/**
 * The requested username, or the email local part with `2`, `3`, … appended on collision
 * (docs/domain-model.md#users-and-roles).
 */
export async function uniqueUsername(manager: EntityManager, email: string): Promise<string> {
  const base = usernameBase(email);
  const rows: { username: string }[] = await manager.query(
    `SELECT username FROM igny8_users WHERE deleted_at IS NULL AND username LIKE $1 || '%'`,
    [base.replace(/[\\%_]/g, (c) => `\\${c}`)],
  );
  const taken = new Set(rows.map((row) => row.username));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

/**
 * Emails and usernames are unique across accounts, so their checks read every account's users: a
 * system read for a signed-in caller (row-level security confines that caller to its account).
 */
export function acrossAccounts<T>(context: TenantContext, check: () => Promise<T>): Promise<T> {
  return context.runAsSystem('emails and usernames are unique across accounts', check, 'debug');
}

export async function emailTaken(manager: EntityManager, email: string): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    'SELECT 1 FROM igny8_users WHERE deleted_at IS NULL AND lower(email) = lower($1) LIMIT 1',
    [email],
  );
  return rows.length > 0;
}

export async function usernameTaken(
  manager: EntityManager,
  username: string,
  exceptId?: number,
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    'SELECT 1 FROM igny8_users WHERE deleted_at IS NULL AND username = $1 AND id <> $2 LIMIT 1',
    [username, exceptId ?? 0],
  );
  return rows.length > 0;
}

export const EMAIL_TAKEN = 'A user with this email already exists.';
export const USERNAME_TAKEN = 'A user with that username already exists.';
