import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PasswordHasher } from '../../common/auth/password-hasher.js';
import { AppConfig } from '../../config/app-config.js';
import { Account, SYSTEM_ACCOUNT_SLUG } from './entities/account.entity.js';
import { Plan } from '../catalogue/entities/plan.entity.js';
import { Subscription } from './entities/subscription.entity.js';
import { User } from './entities/user.entity.js';
import { uniqueUsername } from './unique-names.js';

export const SYSTEM_ACCOUNT_NAME = 'IGNY8 Admin';
export const INTERNAL_PLAN_SLUG = 'internal';

export interface SystemAccountResult {
  accountId: number;
  userId: number;
  createdAccount: boolean;
  createdUser: boolean;
}

/**
 * `create-system-account` (docs/domain-model.md#system-account), idempotent: the `aws-admin` account
 * (`is_system`, `active`, `internal` plan, an `active` subscription without period end) and a `developer`
 * user from SYSTEM_ADMIN_EMAIL / SYSTEM_ADMIN_PASSWORD. An existing user keeps its password; an email that
 * belongs to a user of another account is refused rather than moved.
 */
@Injectable()
export class SystemAccountService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
  ) {}

  async ensure(email: string, password: string): Promise<SystemAccountResult> {
    const normalized = email.trim().toLowerCase();
    const passwordHash = await this.hasher.hash(password);
    return this.dataSource.transaction(async (tx) => {
      // Serialises the API and the worker starting at the same time.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('igny8:create-system-account'))`);
      const plan = await tx.getRepository(Plan).findOneBy({ slug: INTERNAL_PLAN_SLUG });
      if (!plan) throw new Error(`The "${INTERNAL_PLAN_SLUG}" plan is missing: run the migrations first.`);
      const { account, created: createdAccount } = await this.ensureAccount(tx, plan);
      const { user, created: createdUser } = await this.ensureUser(tx, account, normalized, passwordHash);
      if (account.owner_id === null)
        await tx.getRepository(Account).update(account.id, { owner_id: user.id });
      await this.ensureSubscription(tx, account, plan);
      return { accountId: account.id, userId: user.id, createdAccount, createdUser };
    });
  }

  private async ensureAccount(
    tx: EntityManager,
    plan: Plan,
  ): Promise<{ account: Account; created: boolean }> {
    const accounts = tx.getRepository(Account);
    const existing = await tx
      .createQueryBuilder(Account, 'a')
      .where('a.slug = :slug AND a.deleted_at IS NULL', { slug: SYSTEM_ACCOUNT_SLUG })
      .getOne();
    if (existing) {
      const fixes: Partial<Account> = {};
      if (!existing.is_system) fixes.is_system = true;
      if (existing.plan_id !== plan.id) fixes.plan_id = plan.id;
      if (existing.status !== 'active') fixes.status = 'active';
      if (!existing.is_active) fixes.is_active = true;
      if (Object.keys(fixes).length > 0) await accounts.update(existing.id, fixes);
      return { account: { ...existing, ...fixes }, created: false };
    }
    const account = await accounts.save(
      accounts.create({
        name: SYSTEM_ACCOUNT_NAME,
        slug: SYSTEM_ACCOUNT_SLUG,
        plan_id: plan.id,
        status: 'active',
        is_system: true,
        credits: 0,
      }),
    );
    return { account, created: true };
  }

  private async ensureUser(
    tx: EntityManager,
    account: Account,
    email: string,
    passwordHash: string,
  ): Promise<{ user: User; created: boolean }> {
    const users = tx.getRepository(User);
    const existing = await tx
      .createQueryBuilder(User, 'u')
      .where('lower(u.email) = :email AND u.deleted_at IS NULL', { email })
      .getOne();
    if (existing) {
      if (existing.account_id !== account.id) {
        throw new Error(
          `${email} already belongs to a user of another account; choose another SYSTEM_ADMIN_EMAIL.`,
        );
      }
      if (existing.role !== 'developer' || !existing.is_active) {
        await users.update(existing.id, { role: 'developer', is_active: true });
      }
      return { user: existing, created: false };
    }
    const user = await users.save(
      users.create({
        account_id: account.id,
        email,
        username: await uniqueUsername(tx, email),
        password_hash: passwordHash,
        role: 'developer',
      }),
    );
    return { user, created: true };
  }

  private async ensureSubscription(tx: EntityManager, account: Account, plan: Plan): Promise<void> {
    const live = await tx
      .createQueryBuilder(Subscription, 's')
      .where(`s.account_id = :id AND s.status <> 'canceled'`, { id: account.id })
      .getOne();
    if (live) return;
    const subscriptions = tx.getRepository(Subscription);
    await subscriptions.insert(
      subscriptions.create({
        account_id: account.id,
        plan_id: plan.id,
        status: 'active',
        current_period_start: new Date(),
        current_period_end: null,
        payment_provider: 'manual',
      }),
    );
  }
}

/** Runs the command at start-up when SYSTEM_ADMIN_EMAIL and SYSTEM_ADMIN_PASSWORD are both set. */
@Injectable()
export class SystemAccountBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('SystemAccount');

  constructor(
    private readonly config: AppConfig,
    private readonly systemAccount: SystemAccountService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.systemAdmin;
    if (!admin) return;
    const result = await this.systemAccount.ensure(admin.email, admin.password);
    this.logger.log(
      {
        accountId: result.accountId,
        userId: result.userId,
        created: result.createdAccount || result.createdUser,
      },
      'System account ready',
    );
  }
}
