import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { PasswordHasher } from '../../common/auth/password-hasher.js';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError, type FieldErrors } from '../../common/http/error-codes.js';
import { globalQuery } from '../../common/tenancy/tenant-sql.js';
import { isFreePlan, planLine } from '../billing/billing-purchases.service.js';
import { CreditLedger } from '../billing/credit-ledger.service.js';
import type { Invoice } from '../billing/entities/invoice.entity.js';
import { InvoiceIssuer } from '../billing/invoice-issuer.js';
import { PaymentMethodCatalog } from '../billing/payment-method-catalog.js';
import type { RegisterDto } from './dto/auth-requests.dto.js';
import { passwordProblem } from './dto/validators.js';
import { Account } from '../identity/entities/account.entity.js';
import { createDefaultModuleSettings } from '../module-settings/module-settings.service.js';
import { Plan } from '../catalogue/entities/plan.entity.js';
import { Subscription } from '../identity/entities/subscription.entity.js';
import { User } from '../identity/entities/user.entity.js';
import { AccountsStore } from '../identity/accounts.store.js';
import {
  EMAIL_TAKEN,
  USERNAME_TAKEN,
  emailTaken,
  uniqueAccountSlug,
  uniqueUsername,
  usernameTaken,
} from '../identity/unique-names.js';

export const DEFAULT_PLAN_SLUG = 'free-trial';
const UNIQUE_VIOLATION = '23505';
const MAX_ATTEMPTS = 3;

export interface Registration {
  user: User;
  account: Account;
  subscription: Subscription;
  plan: Plan;
  free: boolean;
  /** A paid plan's first invoice (pending), null for a free plan. */
  invoice: Invoice | null;
}

/**
 * Sign-up (docs/domain-model.md#registration), in one transaction: account (slug from its name), owner user,
 * subscription, and for a free plan the plan credits through a ledger entry (`signup:<account_id>`).
 * A paid plan leaves account and subscription `pending_payment` with a pending invoice for the plan.
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly ledger: CreditLedger,
    private readonly context: TenantContext,
    private readonly accounts: AccountsStore,
    private readonly catalog: PaymentMethodCatalog,
    private readonly issuer: InvoiceIssuer,
  ) {}

  /** Explicit system work: the account and its first user do not exist before it. */
  register(dto: RegisterDto): Promise<Registration> {
    return this.context.runAsSystem('registration creates a new account', () => this.signUp(dto), 'debug');
  }

  private async signUp(dto: RegisterDto): Promise<Registration> {
    const email = dto.email.trim().toLowerCase();
    const plan = await this.validate(dto, email);
    const passwordHash = await this.hasher.hash(dto.password);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction((tx) => this.create(tx, dto, email, plan, passwordHash));
      } catch (error) {
        const constraint =
          (error as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION
            ? (error as { constraint?: string }).constraint
            : undefined;
        if (constraint === 'igny8_users_email_uniq') throw ApiError.field('email', EMAIL_TAKEN);
        if (constraint === 'igny8_users_username_uniq' && dto.username) {
          throw ApiError.field('username', USERNAME_TAKEN);
        }
        // A concurrent sign-up took the same slug or generated username: pick again.
        if (constraint && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /** Every field rule at once, so the client sees all its errors together; returns the chosen plan. */
  private async validate(dto: RegisterDto, email: string): Promise<Plan> {
    const errors: FieldErrors = {};
    const add = (field: string, message: string) => (errors[field] ??= []).push(message);
    const manager = this.dataSource.manager;

    const password = passwordProblem(dto.password, email);
    if (password) add('password', password);
    if (
      dto.password_confirm !== undefined &&
      dto.password_confirm !== null &&
      dto.password_confirm !== dto.password
    ) {
      add('password_confirm', 'The two password fields did not match.');
    }
    if (await emailTaken(manager, email)) add('email', EMAIL_TAKEN);
    if (dto.username && (await usernameTaken(manager, dto.username))) add('username', USERNAME_TAKEN);

    const slug = dto.plan_slug?.trim() || DEFAULT_PLAN_SLUG;
    const plan = await globalQuery(manager, Plan, 'plan')
      .where('plan.slug = :slug AND plan.is_active AND NOT plan.is_internal', { slug })
      .getOne();
    if (!plan) add('plan_slug', `Select a valid plan; "${slug}" is not available.`);
    else if (!isFree(plan)) {
      const country = dto.billing_country?.toUpperCase() ?? null;
      if (!dto.payment_method) add('payment_method', 'A payment method is required for a paid plan.');
      else if (!(await this.catalog.find(dto.payment_method, country, manager))) {
        add('payment_method', `"${dto.payment_method}" is not available in ${country ?? 'your country'}.`);
      }
    }
    if (Object.keys(errors).length > 0 || !plan) throw ApiError.validation(errors);
    return plan;
  }

  private async create(
    tx: EntityManager,
    dto: RegisterDto,
    email: string,
    plan: Plan,
    passwordHash: string,
  ): Promise<Registration> {
    const free = isFree(plan);
    const name = dto.account_name?.trim() || email.split('@')[0] || email;
    const { account, user, subscription } = await this.accounts.createWithOwner(tx, {
      account: {
        name: name.slice(0, 255),
        slug: await uniqueAccountSlug(tx, name),
        plan_id: plan.id,
        status: free ? 'trial' : 'pending_payment',
        credits: 0,
        billing_country: dto.billing_country?.toUpperCase() ?? null,
      },
      owner: {
        email,
        username: dto.username || (await uniqueUsername(tx, email)),
        first_name: dto.first_name?.trim() ?? '',
        last_name: dto.last_name?.trim() ?? '',
        password_hash: passwordHash,
        role: 'owner',
      },
      subscription: {
        plan_id: plan.id,
        status: free ? 'trialing' : 'pending_payment',
        current_period_start: free ? new Date() : null,
        current_period_end: null,
        payment_provider: free ? null : (dto.payment_method ?? null),
      },
    });
    if (free && plan.included_credits > 0) {
      await this.ledger.setPlanPool(
        account.id,
        plan.included_credits,
        {
          type: 'subscription',
          referenceId: `signup:${account.id}`,
          description: `${plan.name} signup credits`,
          metadata: { plan_slug: plan.slug },
        },
        tx,
      );
    }
    const invoice = free
      ? null
      : await this.issuer.issue(tx, {
          accountId: account.id,
          type: 'subscription',
          planId: plan.id,
          subscriptionId: subscription.id,
          currency: plan.currency,
          paymentMethod: dto.payment_method ?? null,
          lines: [planLine(plan)],
          metadata: { period_months: 1 },
        });
    await createDefaultModuleSettings(tx, account.id);
    const fresh = await tx.findOneOrFail(Account, { where: { id: account.id, deleted_at: IsNull() } });
    return { user, account: fresh, subscription, plan, free, invoice };
  }
}

export function isFree(plan: Pick<Plan, 'price' | 'currency' | 'is_internal'>): boolean {
  return isFreePlan(plan) && !plan.is_internal;
}
