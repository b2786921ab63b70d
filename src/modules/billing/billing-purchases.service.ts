import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { Money } from '../../common/money.js';
import { globalQuery, tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { Plan } from '../catalogue/entities/plan.entity.js';
import { AccountsStore } from '../identity/accounts.store.js';
import { Account } from '../identity/entities/account.entity.js';
import { Subscription } from '../identity/entities/subscription.entity.js';
import { presentSubscription, type SubscriptionView } from '../identity/subscription-presenter.js';
import {
  type CreditPackageView,
  type InvoiceView,
  presentCreditPackage,
  presentInvoice,
} from './billing-presenters.js';
import { BillingCheckout, type NextAction } from './billing-checkout.service.js';
import type { PaymentMethod } from './entities/billing-enums.js';
import { CreditPackage } from './entities/credit-package.entity.js';
import { Invoice } from './entities/invoice.entity.js';
import { InvoiceIssuer } from './invoice-issuer.js';
import { PaymentMethodCatalog } from './payment-method-catalog.js';

export interface PurchaseResult {
  invoice: InvoiceView;
  next_action: NextAction;
}

/** A subscription invoice's one line: the plan for `months` months. */
export function planLine(plan: Plan, months = 1) {
  return {
    description: `${plan.name} plan, ${months} month${months === 1 ? '' : 's'}`,
    quantity: months,
    unit_price: plan.price,
    credits: plan.included_credits,
  };
}

export const isFreePlan = (plan: Pick<Plan, 'price' | 'currency'>) =>
  Money.parse(plan.price, plan.currency).isZero();

/**
 * The account's purchases and subscription (`billing/credit-packages/`, `billing/subscriptions/`):
 * buying credits or another plan issues an invoice and answers how to pay it; cancel and resume
 * only flip `cancel_at_period_end` (docs/billing.md#subscriptions).
 */
@Injectable()
export class BillingPurchases {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly issuer: InvoiceIssuer,
    private readonly checkout: BillingCheckout,
    private readonly catalog: PaymentMethodCatalog,
    private readonly accounts: AccountsStore,
    private readonly catalogue: CatalogueService,
  ) {}

  private get accountId(): number {
    return this.context.requirePrincipal().accountId;
  }

  private async ownAccount(
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Account & { plan: Plan }> {
    const account = await tenantQuery(manager, Account, 'a')
      .innerJoinAndSelect('a.plan', 'plan')
      .andWhere('a.id = :own_account', { own_account: this.accountId })
      .getOne();
    if (!account?.plan) throw ApiError.notFound();
    return account as Account & { plan: Plan };
  }

  private async liveSubscription(manager: EntityManager, lock = false): Promise<Subscription | null> {
    const query = tenantQuery(manager, Subscription, 's')
      .andWhere("s.account_id = :own_account AND s.status <> 'canceled'", { own_account: this.accountId })
      .orderBy('s.id', 'DESC');
    if (lock) query.setLock('pessimistic_write');
    return query.getOne();
  }

  private async checkMethod(method: PaymentMethod, country: string | null): Promise<void> {
    if (!(await this.catalog.find(method, country))) {
      throw ApiError.field('payment_method', `"${method}" is not available in ${country ?? 'your country'}.`);
    }
  }

  async creditPackages(): Promise<CreditPackageView[]> {
    const rows = await globalQuery(this.dataSource.manager, CreditPackage, 'c')
      .where('c.is_active')
      .orderBy('c.sort_order', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .getMany();
    return rows.map(presentCreditPackage);
  }

  async purchasePackage(packageId: number, method: PaymentMethod): Promise<PurchaseResult> {
    const account = await this.ownAccount();
    const creditPackage = await globalQuery(this.dataSource.manager, CreditPackage, 'c')
      .where('c.id = :package_id AND c.is_active', { package_id: packageId })
      .getOne();
    if (!creditPackage) throw ApiError.notFound();
    if (!account.plan.allow_credit_topup) {
      throw new ApiError('permission_denied', 'Your plan does not allow buying credits.');
    }
    await this.checkMethod(method, account.billing_country);
    const invoice = await this.dataSource.transaction((tx) =>
      this.issuer.issue(tx, {
        accountId: account.id,
        type: 'credit_package',
        creditPackageId: creditPackage.id,
        currency: creditPackage.currency,
        paymentMethod: method,
        lines: [
          {
            description: creditPackage.name,
            unit_price: creditPackage.price,
            credits: creditPackage.credits,
          },
        ],
      }),
    );
    return this.answer(invoice, method, account);
  }

  async current(): Promise<SubscriptionView> {
    const subscription =
      (await this.liveSubscription(this.dataSource.manager)) ??
      (await tenantQuery(this.dataSource.manager, Subscription, 's')
        .andWhere('s.account_id = :own_account', { own_account: this.accountId })
        .orderBy('s.id', 'DESC')
        .getOne());
    if (!subscription) throw ApiError.notFound('No subscription.');
    const plan = await this.catalogue.planById(this.dataSource.manager, subscription.plan_id);
    return presentSubscription(subscription, plan);
  }

  /** A subscription invoice for another plan; any other pending subscription invoice is voided. */
  async changePlan(planSlug: string, method: PaymentMethod): Promise<PurchaseResult> {
    const account = await this.ownAccount();
    const plan = await globalQuery(this.dataSource.manager, Plan, 'plan')
      .where('plan.slug = :slug AND plan.is_active AND NOT plan.is_internal', { slug: planSlug })
      .getOne();
    if (!plan || isFreePlan(plan)) {
      throw ApiError.field('plan_slug', `Select a valid paid plan; "${planSlug}" is not available.`);
    }
    await this.checkMethod(method, account.billing_country);
    const invoice = await this.dataSource.transaction(async (tx) => {
      const subscription = await this.liveSubscription(tx, true);
      if (subscription?.plan_id === plan.id && subscription.status === 'active') {
        throw ApiError.field('plan_slug', 'This is already your plan.');
      }
      const sql = tenantSql(tx);
      const i = sql.table(Invoice, 'i');
      await sql.returning`
        UPDATE ${i} SET status = 'void', void_reason = 'Replaced by a plan change.', updated_at = now()
         WHERE ${i.scope} AND i.account_id = ${account.id} AND i.invoice_type = 'subscription'
           AND i.status = 'pending' RETURNING i.id`;
      return this.issuer.issue(tx, {
        accountId: account.id,
        type: 'subscription',
        planId: plan.id,
        subscriptionId: subscription?.id ?? null,
        currency: plan.currency,
        paymentMethod: method,
        lines: [planLine(plan)],
        metadata: { period_months: 1 },
      });
    });
    return this.answer(invoice, method, account);
  }

  /** Owner: the subscription ends with its period. */
  cancel(): Promise<SubscriptionView> {
    return this.setCancel(true);
  }

  /** Owner: undoes `cancel` while the period runs. */
  resume(): Promise<SubscriptionView> {
    return this.setCancel(false);
  }

  private async setCancel(cancel: boolean): Promise<SubscriptionView> {
    const saved = await this.dataSource.transaction(async (tx) => {
      const subscription = await this.liveSubscription(tx, true);
      if (!subscription) throw ApiError.notFound('No subscription.');
      if (cancel && !['active', 'past_due', 'trialing'].includes(subscription.status)) {
        throw new ApiError('invalid_state', `A ${subscription.status} subscription cannot be canceled.`);
      }
      if (!cancel) {
        const ended =
          subscription.current_period_end && subscription.current_period_end.getTime() <= Date.now();
        if (!subscription.cancel_at_period_end || ended) {
          throw new ApiError(
            'invalid_state',
            'Only a subscription set to cancel can resume, before its period ends.',
          );
        }
      }
      subscription.cancel_at_period_end = cancel;
      return this.accounts.saveSubscription(tx, subscription);
    });
    const plan = await this.catalogue.planById(this.dataSource.manager, saved.plan_id);
    return presentSubscription(saved, plan);
  }

  private async answer(invoice: Invoice, method: PaymentMethod, account: Account): Promise<PurchaseResult> {
    const next = await this.checkout.nextAction(invoice, method, {
      email: account.billing_email,
      country: account.billing_country,
    });
    return { invoice: presentInvoice(invoice), next_action: next };
  }
}
