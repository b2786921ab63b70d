import type { Role } from '../context/request-context.js';

export const ROLE_RANK: Record<Role, number> = {
  developer: 5,
  owner: 4,
  admin: 3,
  editor: 2,
  viewer: 1,
  system_bot: 0,
};

/** Minimum role a route requires (`@Roles`); `dev` means developers. */
export type RoleMark = 'viewer' | 'editor' | 'admin' | 'owner' | 'dev';

const MARK_ROLE: Record<RoleMark, Role> = {
  viewer: 'viewer',
  editor: 'editor',
  admin: 'admin',
  owner: 'owner',
  dev: 'developer',
};

export function hasRole(role: Role, mark: RoleMark): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[MARK_ROLE[mark]];
}

export const ROLE_LABELS: Record<Role, string> = {
  developer: 'Developer',
  owner: 'Owner',
  admin: 'Admin',
  editor: 'Editor',
  viewer: 'Viewer',
  system_bot: 'System Bot',
};
