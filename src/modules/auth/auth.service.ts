import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { clearSessionCookie } from '../../common/auth/auth.guard.js';
import { SESSION_COOKIE } from '../../common/auth/credentials.js';
import { canSignIn } from '../../common/auth/authenticated.js';
import { IdentityLookup } from '../../common/auth/identity-lookup.js';
import { PasswordHasher } from '../../common/auth/password-hasher.js';
import { ROLE_LABELS, ROLE_RANK } from '../../common/auth/roles.js';
import { SESSION_ABSOLUTE_MS, SessionStore } from '../../common/auth/session-store.js';
import type { TokenPair } from '../../common/auth/token.service.js';
import type { Principal, Role } from '../../common/context/request-context.js';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { randomToken, sha256Hex } from '../../common/crypto.js';
import { ApiError } from '../../common/http/error-codes.js';
import { Mailer } from '../../common/mail/mailer.service.js';
import { tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { ThrottleService } from '../../common/throttling/throttle.service.js';
import { AppConfig } from '../../config/app-config.js';
import type {
  LoginDto,
  LogoutDto,
  PasswordChangeDto,
  PasswordResetConfirmDto,
  RegisterDto,
  UpdateMeDto,
} from './dto/auth-requests.dto.js';
import { passwordProblem } from './dto/validators.js';
import { PasswordResetToken } from '../identity/entities/password-reset-token.entity.js';
import { USER_ROLES, User } from '../identity/entities/user.entity.js';
import { SessionRevoker } from '../identity/session-revoker.js';
import { TokensStore } from '../identity/tokens.store.js';
import { type OwnUserColumns, UsersStore } from '../identity/users.store.js';
import {
  presentSubscription,
  presentUserWithAccount,
  type SubscriptionView,
  type UserWithAccountView,
} from './presenters.js';
import { clientInfo, type ClientInfo, RefreshTokensService } from './refresh-tokens.service.js';
import { type Registration, RegistrationService } from './registration.service.js';
import { BillingCheckout } from '../billing/billing-checkout.service.js';
import { type InvoiceView, presentInvoice } from '../billing/billing-presenters.js';
import { acrossAccounts, USERNAME_TAKEN, usernameTaken } from '../identity/unique-names.js';

export const RESET_TOKEN_TTL_MS = 3600_000;
export const RESET_TOKENS_PER_HOUR = 3;
const ASSIGNABLE_ROLES: readonly Role[] = ['admin', 'editor', 'viewer'];

export interface RoleGroup {
  value: Role;
  label: string;
  rank: number;
  assignable: boolean;
}

export interface RegisterResult {
  user: UserWithAccountView;
  tokens: TokenPair;
  subscription: SubscriptionView;
  invoice: InvoiceView | null;
  checkout_url: string | null;
  payment_instructions: {
    display_name: string;
    instructions: string;
    details: Record<string, unknown>;
  } | null;
}

function invalidCredentials(): ApiError {
  return new ApiError('invalid_credentials', 'Invalid email or password.');
}

/** The `auth/` session endpoints: login, registration, tokens, logout, me and passwords. */
@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly identities: IdentityLookup,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionStore,
    private readonly refreshTokens: RefreshTokensService,
    private readonly registration: RegistrationService,
    private readonly mailer: Mailer,
    private readonly throttle: ThrottleService,
    private readonly context: TenantContext,
    private readonly users: UsersStore,
    private readonly tokenRows: TokensStore,
    private readonly revoker: SessionRevoker,
    private readonly checkout: BillingCheckout,
  ) {}

  /**
   * Accounts created count against the client IP's `register_ip` limit: counted before the work (so
   * parallel requests cannot slip past together) and taken back when the registration fails.
   */
  async register(dto: RegisterDto, request: FastifyRequest, reply: FastifyReply): Promise<RegisterResult> {
    const perIp = [this.throttle.perIp('register_ip', request.ip)];
    await this.throttle.consume(perIp);
    const created = await this.registration.register(dto).catch(async (error: unknown) => {
      await this.throttle.release(perIp);
      throw error;
    });
    const user = await this.beforeSignIn('registration loads the user it created', () =>
      this.loadUser(created.user.id),
    );
    const tokens = await this.startLogin(user, request, reply);
    this.mailer.send({
      template: 'welcome',
      to: user.email,
      accountId: user.account_id,
      userId: user.id,
      variables: {
        name: displayName(user),
        account_name: created.account.name,
        login_url: this.config.frontendUrl,
      },
    });
    const payment = await this.firstPayment(created, user.email);
    return {
      user: presentUserWithAccount(user),
      tokens,
      subscription: presentSubscription(created.subscription, created.plan),
      ...payment,
    };
  }

  /**
   * A paid sign-up's invoice and how to pay it: the provider's checkout URL (null when the provider
   * is not configured) or the bank instructions of the billing country. Runs after the sign-up
   * committed, since it may call the provider.
   */
  private async firstPayment(
    created: Registration,
    email: string,
  ): Promise<Pick<RegisterResult, 'invoice' | 'checkout_url' | 'payment_instructions'>> {
    const { invoice } = created;
    const method = invoice?.payment_method;
    if (!invoice || !method) return { invoice: null, checkout_url: null, payment_instructions: null };
    const next = await this.context.runAsSystem('a paid sign-up asks for its checkout', () =>
      this.checkout.nextAction(invoice, method, { email, country: created.account.billing_country }),
    );
    return {
      invoice: presentInvoice(invoice),
      checkout_url: next.type === 'redirect' ? next.checkout_url : null,
      payment_instructions:
        next.type === 'manual'
          ? { display_name: next.display_name, instructions: next.instructions, details: next.details }
          : null,
    };
  }

  /**
   * Identical 401 for an unknown email, a wrong password, an inactive user and `system_bot`. Failed
   * logins count against the client IP's `login_ip` limit, whatever the email.
   */
  async login(
    dto: LoginDto,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ user: UserWithAccountView; tokens: TokenPair }> {
    const perIp = [this.throttle.perIp('login_ip', request.ip)];
    await this.throttle.consume(perIp);
    const identity = await this.identities.userByEmail(dto.email);
    const valid = identity
      ? await this.hasher.verify(identity.password_hash, dto.password)
      : await this.hasher.verifyAgainstNothing(dto.password);
    if (!valid || !canSignIn(identity)) throw invalidCredentials();
    await this.throttle.release(perIp);

    const user = await this.beforeSignIn(
      'login records the sign-in of a user not yet signed in',
      async () => {
        await this.users.recordLogin(this.dataSource.manager, identity.user_id);
        return this.loadUser(identity.user_id);
      },
    );
    const tokens = await this.startLogin(user, request, reply);
    return { user: presentUserWithAccount(user), tokens };
  }

  refresh(token: string, request: FastifyRequest): Promise<TokenPair> {
    return this.refreshTokens.rotate(token, clientInfo(request));
  }

  async logout(
    principal: Principal,
    dto: LogoutDto,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const userId = principal.userId;
    if (userId !== null) {
      if (dto.all) await this.revoker.revoke([userId], 'logout');
      else if (dto.refresh) {
        const family = await this.refreshTokens.familyOf(dto.refresh, userId);
        if (family) await this.revoker.revokeFamily(family, 'logout');
      }
    }
    const sessionId = request.cookies?.[SESSION_COOKIE];
    if (sessionId) {
      const hash = sha256Hex(sessionId);
      const session = await this.sessions.find(hash);
      // The cookie's login ends with it: its refresh family is revoked too.
      if (session && session.userId === userId) await this.revoker.revokeFamily(session.familyId, 'logout');
      await this.sessions.destroy(hash);
    }
    clearSessionCookie(reply, this.config);
  }

  async me(principal: Principal): Promise<UserWithAccountView> {
    return presentUserWithAccount(await this.loadUser(this.userIdOf(principal)));
  }

  async updateMe(principal: Principal, dto: UpdateMeDto): Promise<UserWithAccountView> {
    const id = this.userIdOf(principal);
    const changes: OwnUserColumns = {};
    if (typeof dto.first_name === 'string') changes.first_name = dto.first_name.trim();
    if (typeof dto.last_name === 'string') changes.last_name = dto.last_name.trim();
    if (typeof dto.username === 'string') {
      if (dto.username === '') throw ApiError.field('username', 'This field may not be blank.');
      const username = dto.username;
      if (await acrossAccounts(this.context, () => usernameTaken(this.dataSource.manager, username, id))) {
        throw ApiError.field('username', USERNAME_TAKEN);
      }
      changes.username = dto.username;
    }
    if (Object.keys(changes).length > 0) {
      try {
        await this.updateOwnUser(id, changes);
      } catch (error) {
        if ((error as { constraint?: string }).constraint === 'igny8_users_username_uniq') {
          throw ApiError.field('username', USERNAME_TAKEN);
        }
        throw error;
      }
    }
    return presentUserWithAccount(await this.loadUser(id));
  }

  /** Revokes every session of the user, then starts a new login (pair + cookie). */
  async changePassword(
    principal: Principal,
    dto: PasswordChangeDto,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ tokens: TokenPair }> {
    const user = await this.loadUser(this.userIdOf(principal));
    if (!(await this.hasher.verify(user.password_hash, dto.old_password))) {
      throw ApiError.field('old_password', 'Current password is incorrect.');
    }
    const problem = passwordProblem(dto.new_password, user.email);
    if (problem) throw ApiError.field('new_password', problem);
    const hash = await this.hasher.hash(dto.new_password);
    await this.updateOwnUser(user.id, { password_hash: hash });
    const versions = await this.revoker.revoke([user.id], 'password_change');
    user.token_version = versions.get(user.id) ?? 0;
    const tokens = await this.startLogin(user, request, reply);
    this.mailer.send({
      template: 'password_changed',
      to: user.email,
      accountId: user.account_id,
      userId: user.id,
      variables: { name: displayName(user), reset_url: `${this.config.frontendUrl}/forgot-password` },
    });
    return { tokens };
  }

  /**
   * Sends a reset link when the email names an active user, at most 3 per user per hour; earlier
   * unused tokens are invalidated. Only the SHA-256 of the token is stored. The caller answers the
   * same way whatever happened here. Every request counts against the client IP's `password_reset_ip`
   * limit, whatever the email.
   */
  async requestPasswordReset(email: string, request: FastifyRequest): Promise<void> {
    await this.throttle.consume([this.throttle.perIp('password_reset_ip', request.ip)]);
    const identity = await this.identities.userByEmail(email);
    if (!canSignIn(identity)) return;
    const token = await this.issueResetToken(identity.user_id, clientInfo(request));
    if (!token) return;
    this.mailer.send({
      template: 'password_reset',
      to: identity.email,
      accountId: identity.account_id,
      userId: identity.user_id,
      variables: { name: identity.email.split('@')[0] ?? '', reset_link: this.resetLink(token) },
    });
  }

  /** `<FRONTEND_URL>/reset-password?token=…`, from configuration only (never the Host header). */
  resetLink(token: string): string {
    return `${this.config.frontendUrl}/reset-password?token=${encodeURIComponent(token)}`;
  }

  /** A new raw reset token for the user, or null when 3 were already issued within the hour. */
  issueResetToken(userId: number, client: Pick<ClientInfo, 'ip'>): Promise<string | null> {
    const issue = () =>
      this.dataSource.transaction(async (tx) => {
        const token = randomToken(32);
        const issued = await this.tokenRows.issueResetToken(
          tx,
          {
            userId,
            tokenHash: sha256Hex(token),
            expiresAt: new Date(Date.now() + RESET_TOKEN_TTL_MS),
            ip: client.ip,
          },
          RESET_TOKENS_PER_HOUR,
        );
        return issued ? token : null;
      });
    return this.beforeSignIn('a password reset is requested by email, without a sign-in', issue);
  }

  /** Sets the new password, consumes the token (single use) and revokes every session of the user. */
  confirmPasswordReset(dto: PasswordResetConfirmDto): Promise<void> {
    return this.beforeSignIn('a password is reset by emailed token, without a sign-in', () =>
      this.resetPassword(dto),
    );
  }

  private async resetPassword(dto: PasswordResetConfirmDto): Promise<void> {
    const invalid = new ApiError('invalid_token', 'Invalid or expired reset token.');
    const sql = tenantSql(this.dataSource.manager);
    const [t, u] = [sql.table(PasswordResetToken, 't'), sql.table(User, 'u')];
    const rows = await sql.query<{ id: number; user_id: number; email: string }[]>`
      SELECT t.id, t.user_id, u.email
        FROM ${t}
        JOIN ${u} ON u.id = t.user_id AND u.deleted_at IS NULL AND u.is_active
       WHERE ${t.scope} AND ${u.scope}
         AND t.token_hash = ${sha256Hex(dto.token)} AND t.used_at IS NULL AND t.expires_at > now()`;
    const token = rows[0];
    if (!token) throw invalid;
    const problem = passwordProblem(dto.new_password, token.email);
    if (problem) throw ApiError.field('new_password', problem);
    const passwordHash = await this.hasher.hash(dto.new_password);
    const consumed = await this.dataSource.transaction(async (tx) => {
      if (!(await this.tokenRows.consumeResetToken(tx, token.id, token.user_id))) return false;
      await this.users.updateColumns(tx, token.user_id, { password_hash: passwordHash });
      return true;
    });
    if (!consumed) throw invalid;
    await this.revoker.revoke([token.user_id], 'password_reset');
  }

  groups(): RoleGroup[] {
    return [...USER_ROLES]
      .sort((a, b) => ROLE_RANK[b] - ROLE_RANK[a])
      .map((role) => ({
        value: role,
        label: ROLE_LABELS[role],
        rank: ROLE_RANK[role],
        assignable: ASSIGNABLE_ROLES.includes(role),
      }));
  }

  /**
   * One login: a new refresh family, an access token, and a new cookie session bound to the family
   * (a fresh session id every time; a session cookie the client still carried is destroyed).
   */
  async startLogin(user: User, request: FastifyRequest, reply: FastifyReply): Promise<TokenPair> {
    const client = clientInfo(request);
    const previous = request.cookies?.[SESSION_COOKIE];
    if (previous) await this.sessions.destroy(sha256Hex(previous));
    const { pair, familyId } = await this.refreshTokens.issuePair(user, client);
    const sessionId = randomToken(32);
    const now = Date.now();
    await this.sessions.create(sha256Hex(sessionId), {
      userId: user.id,
      familyId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + SESSION_ABSOLUTE_MS,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    void reply.setCookie(SESSION_COOKIE, sessionId, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.isProduction,
      maxAge: SESSION_ABSOLUTE_MS / 1000,
    });
    return pair;
  }

  /** Columns of the signed-in user's own row, within the caller's account. */
  private updateOwnUser(id: number, changes: OwnUserColumns): Promise<void> {
    return this.users.updateColumns(this.dataSource.manager, id, changes);
  }

  /** A live user with its account and plan. */
  private async loadUser(id: number): Promise<User> {
    const user = await tenantQuery(this.dataSource.manager, User, 'user')
      .leftJoinAndSelect('user.account', 'account')
      .leftJoinAndSelect('account.plan', 'plan')
      .andWhere('user.id = :id', { id })
      .getOne();
    if (!user?.account) throw new ApiError('authentication_required');
    return user;
  }

  /** Work for a user who is not signed in yet: explicit system work, logged with its reason. */
  private beforeSignIn<T>(reason: string, work: () => Promise<T>): Promise<T> {
    return this.context.runAsSystem(reason, work, 'debug');
  }

  private userIdOf(principal: Principal): number {
    if (principal.userId === null) throw new ApiError('permission_denied');
    return principal.userId;
  }
}

function displayName(user: Pick<User, 'first_name' | 'username'>): string {
  return user.first_name.trim() || user.username;
}
