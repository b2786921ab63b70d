import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { EntityManager } from 'typeorm';
import { PasswordHasher } from '../../common/auth/password-hasher.js';
import { ROLE_RANK } from '../../common/auth/roles.js';
import type { Principal, Role } from '../../common/context/request-context.js';
import { randomToken, sha256Hex } from '../../common/crypto.js';
import { ApiError, type FieldErrors } from '../../common/http/error-codes.js';
import type { Paginated } from '../../common/http/responses.js';
import type { RawQuery } from '../../common/list/index.js';
import { defineList, filter } from '../../common/list/index.js';
import { Mailer, type MailRequest } from '../../common/mail/mailer.service.js';
import {
  invalidReference,
  ScopedRepositories,
  type ScopedRepository,
} from '../../common/tenancy/scoped-repository.js';
import { ResourceDeps, ScopedResource } from '../../common/tenancy/scoped-resource.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { EDITOR_OR_VIEWER } from '../../common/tenancy/tenant-scope.js';
import { Account } from '../identity/entities/account.entity.js';
import { AppConfig } from '../../config/app-config.js';
import { passwordProblem } from '../auth/dto/validators.js';
import { Site } from '../identity/entities/site.entity.js';
import { USER_ROLES, User } from '../identity/entities/user.entity.js';
import { fullName, presentUser, type UserView } from '../auth/presenters.js';
import {
  EMAIL_TAKEN,
  acrossAccounts,
  emailTaken,
  USERNAME_TAKEN,
  uniqueUsername,
  usernameTaken,
} from '../identity/unique-names.js';
import { SessionRevoker } from '../identity/session-revoker.js';
import { TokensStore } from '../identity/tokens.store.js';
import { UsersStore } from '../identity/users.store.js';
import { assertUserCapacity } from './user-limits.js';
import type { CreateUserDto, UpdateUserDto } from './users.dto.js';

/** Invitation links are normal password-reset tokens (docs/domain-model.md#tokens-and-sessions): one hour. */
const INVITE_TTL_MS = 3600_000;

export const USERS_LIST = defineList({
  filters: {
    role: filter.enum('u.role', USER_ROLES),
    is_active: filter.boolean('u.is_active'),
  },
  search: ['u.email', 'u.first_name', 'u.last_name', 'u.username'],
  ordering: {
    fields: { email: 'u.email', created_at: 'u.created_at', last_login: 'u.last_login' },
    default: '-created_at',
  },
});

function forbidden(message: string): ApiError {
  return new ApiError('permission_denied', message);
}

/** Developers and superusers rank as `developer`. */
function rankOf(user: Pick<User, 'role' | 'is_superuser'>): number {
  return ROLE_RANK[user.is_superuser ? 'developer' : user.role];
}

/** Roles `principal` may give through an update: never owner/system_bot, developer only by developers. */
function canAssign(principal: Principal, role: Role): boolean {
  if (role === 'owner' || role === 'system_bot') return false;
  return role !== 'developer' || principal.role === 'developer';
}

/**
 * `auth/users/` and the user side of `account/team/`: users are account-scoped (every
 * role sees the users of its account; developers all accounts). Creation counts against
 * `max_users`; deleting or deactivating a user revokes all of its sessions at once.
 */
@Injectable()
export class UsersService extends ScopedResource<User, UserView> {
  private readonly sites: ScopedRepository<Site>;

  constructor(
    deps: ResourceDeps,
    scoped: ScopedRepositories,
    private readonly hasher: PasswordHasher,
    private readonly mailer: Mailer,
    private readonly config: AppConfig,
    private readonly revoker: SessionRevoker,
    private readonly store: UsersStore,
    private readonly tokens: TokensStore,
  ) {
    super(deps, {
      entity: User,
      table: 'igny8_users',
      alias: 'u',
      list: USERS_LIST,
      present: (rows) => rows.map(presentUser),
      uniques: {
        igny8_users_email_uniq: { field: 'email', message: EMAIL_TAKEN },
        igny8_users_username_uniq: { field: 'username', message: USERNAME_TAKEN },
      },
    });
    this.sites = scoped.for(Site, 's');
  }

  /** `account/team/`: the caller's own account, unless a cross-account caller names another. */
  listTeam(raw: RawQuery, request: FastifyRequest): Promise<Paginated<UserView>> {
    const principal = this.deps.context.requirePrincipal();
    const own =
      principal.bypassTenant && !raw.account_id ? { ...raw, account_id: String(principal.accountId) } : raw;
    return this.list(own, request);
  }

  /**
   * A user in the caller's account. Without a password a random one is set and a `team_invite`
   * email carries a one-hour reset link; `site_ids` become SiteUserAccess grants.
   */
  async create(body: CreateUserDto): Promise<UserView> {
    const principal = this.deps.context.requirePrincipal();
    const accountId = principal.accountId;
    const email = body.email.trim().toLowerCase();
    const password = body.password ? body.password : null;
    const siteIds = [...new Set(body.site_ids ?? [])];
    await this.validateNew(body, email, password, siteIds, accountId);

    const passwordHash = await this.hasher.hash(password ?? randomToken(32));
    const { user, invite } = await this.transaction(async (manager) => {
      await assertUserCapacity(manager, accountId, 1);
      const created = await this.clashesReported(
        this.store.create(manager, {
          account_id: accountId,
          email,
          username:
            body.username || (await acrossAccounts(this.deps.context, () => uniqueUsername(manager, email))),
          first_name: body.first_name?.trim() ?? '',
          last_name: body.last_name?.trim() ?? '',
          password_hash: passwordHash,
          role: body.role,
          is_active: body.is_active ?? true,
        }),
      );
      await this.store.grantSites(manager, created.id, siteIds, principal.userId);
      return { user: created, invite: password === null ? await this.invitation(manager, created) : null };
    });
    if (invite) this.mailer.send(invite);
    return this.get(user.id);
  }

  async update(id: number, body: UpdateUserDto): Promise<UserView> {
    const principal = this.deps.context.requirePrincipal();
    const target = await this.find(id);
    const self = target.id === principal.userId;
    this.assertCanManage(principal, target);
    if (body.role !== undefined && body.role !== target.role) {
      if (self) throw forbidden('You cannot change your own role.');
      if (target.role === 'owner') throw forbidden("The account owner's role cannot be changed.");
      if (!canAssign(principal, body.role)) throw forbidden(`The role "${body.role}" cannot be assigned.`);
      target.role = body.role;
    }
    const deactivating = body.is_active === false && target.is_active;
    if (deactivating && self) throw forbidden('You cannot deactivate yourself.');
    if (typeof body.is_active === 'boolean') target.is_active = body.is_active;
    if (typeof body.first_name === 'string') target.first_name = body.first_name.trim();
    if (typeof body.last_name === 'string') target.last_name = body.last_name.trim();
    if (body.username === '') throw ApiError.field('username', 'This field may not be blank.');
    const username = body.username;
    if (typeof username === 'string' && username !== target.username) {
      const manager = this.deps.dataSource.manager;
      if (await acrossAccounts(this.deps.context, () => usernameTaken(manager, username, target.id))) {
        throw ApiError.field('username', USERNAME_TAKEN);
      }
      target.username = username;
    }
    await this.transaction(async (manager) => {
      await this.clashesReported(this.store.save(manager, target));
      if (deactivating) await this.revoker.revokeTokens(manager, [target.id], 'admin');
    });
    if (deactivating) await this.revoker.destroySessions([target.id]);
    return this.get(target.id);
  }

  /** Soft delete; never yourself or the account owner; revokes the user's sessions at once. */
  override async remove(id: number): Promise<void> {
    const principal = this.deps.context.requirePrincipal();
    const target = await this.find(id);
    if (target.id === principal.userId) throw forbidden('You cannot delete yourself.');
    if (await this.isOwner(target)) throw forbidden('The account owner cannot be deleted.');
    this.assertCanManage(principal, target);
    await this.transaction((manager) => this.store.softDelete(manager, [target.id], 'user_deleted'));
    await this.revoker.destroySessions([target.id]);
  }

  /** A user coming back from the trash counts against `max_users` again. */
  protected override async beforeRestore(manager: EntityManager, row: User): Promise<void> {
    if (row.role !== 'system_bot') await assertUserCapacity(manager, row.account_id, 1);
  }

  /** Nobody acts on a user ranked above them (admins on the owner, non-developers on developers). */
  private assertCanManage(principal: Principal, target: User): void {
    if (rankOf(target) <= ROLE_RANK[principal.role]) return;
    throw forbidden(
      target.role === 'owner' ? 'Admins cannot modify the account owner.' : 'You cannot modify this user.',
    );
  }

  private async isOwner(target: User): Promise<boolean> {
    if (target.role === 'owner') return true;
    const sql = tenantSql(this.deps.dataSource.manager);
    const a = sql.table(Account, 'a');
    const rows = await sql.query<unknown[]>`
      SELECT 1 FROM ${a} WHERE ${a.scope} AND a.id = ${target.account_id} AND a.owner_id = ${target.id}`;
    return rows.length > 0;
  }

  /** Every field rule at once (400 with all problems), before anything is written. */
  private async validateNew(
    body: CreateUserDto,
    email: string,
    password: string | null,
    siteIds: number[],
    accountId: number,
  ): Promise<void> {
    const errors: FieldErrors = {};
    const add = (field: string, message: string) => (errors[field] ??= []).push(message);
    const manager = this.deps.dataSource.manager;
    const passwordIssue = password === null ? null : passwordProblem(password, email);
    if (passwordIssue) add('password', passwordIssue);
    const [emailIsTaken, usernameIsTaken] = await acrossAccounts(this.deps.context, async () => [
      await emailTaken(manager, email),
      !!body.username && (await usernameTaken(manager, body.username)),
    ]);
    if (emailIsTaken) add('email', EMAIL_TAKEN);
    if (usernameIsTaken) add('username', USERNAME_TAKEN);
    if (siteIds.length > 0 && !EDITOR_OR_VIEWER.has(body.role)) {
      add('site_ids', 'Site access can only be granted to editors and viewers.');
    } else if (siteIds.length > 0) {
      const visible = await this.sites.visibleIds(siteIds, { accountId });
      const missing = siteIds.find((siteId) => !visible.includes(siteId));
      if (missing !== undefined) add('site_ids', invalidReference(missing));
    }
    if (Object.keys(errors).length > 0) throw ApiError.validation(errors);
  }

  /** A one-hour reset token for the new user (only its SHA-256 is stored) and the email carrying it. */
  private async invitation(manager: EntityManager, user: User): Promise<MailRequest> {
    const token = randomToken(32);
    await this.tokens.insertResetToken(manager, {
      userId: user.id,
      tokenHash: sha256Hex(token),
      expiresAt: new Date(Date.now() + INVITE_TTL_MS),
      ip: null,
    });
    const sql = tenantSql(manager);
    const [a, i] = [sql.table(Account, 'a'), sql.table(User, 'i')];
    const [names] = await sql.query<{ account_name: string; inviter: string | null }[]>`
      SELECT a.name AS account_name,
             COALESCE(NULLIF(trim(i.first_name || ' ' || i.last_name), ''), i.email) AS inviter
        FROM ${a} LEFT JOIN ${i} ON i.id = ${this.deps.context.principal?.userId ?? null} AND ${i.scope}
       WHERE ${a.scope} AND a.id = ${user.account_id}`;
    return {
      template: 'team_invite',
      to: user.email,
      accountId: user.account_id,
      userId: user.id,
      variables: {
        name: fullName(user) || user.username,
        inviter: names?.inviter ?? 'An administrator',
        account_name: names?.account_name ?? '',
        reset_link: `${this.config.frontendUrl}/reset-password?token=${encodeURIComponent(token)}`,
      },
    };
  }
}
