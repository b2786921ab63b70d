import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AccountCredits, InsufficientPoolError } from '../identity/account-credits.js';
import { Notifier } from '../notifications/notifier.service.js';
import { BillingConfiguration } from './entities/credit-cost-config.entity.js';
import { CreditTransaction, type CreditTransactionType } from './entities/credit-transaction.entity.js';

export interface LedgerChange {
  accountId: number;
  type: CreditTransactionType;
  /** Signed change of the plan pool. */
  planAmount?: number;
  /** Signed change of the bonus (purchased) pool. */
  bonusAmount?: number;
  description?: string;
  /** Makes the entry idempotent per account (`signup:<id>`, an invoice number, …). */
  referenceId?: string | null;
  metadata?: Record<string, unknown>;
}

/**
 * Entries that grant or reset credits (a purchase, the plan pool of a subscription period): never a debit, so
 * never `credits_low`, even when a reset lowers the plan pool.
 */
const GRANT_TYPES: CreditTransactionType[] = ['purchase', 'subscription'];

/** The balance under which a debit raises `credits_low`, when the billing configuration row is missing. */
export const DEFAULT_LOW_CREDIT_THRESHOLD = 100;

/** `low_credit_threshold` of the billing configuration (docs/system.md#notifications). */
async function lowCreditThreshold(manager: EntityManager): Promise<number> {
  const config = await manager.findOne(BillingConfiguration, {
    select: { id: true, low_credit_threshold: true },
    where: { id: 1 },
  });
  return config?.low_credit_threshold ?? DEFAULT_LOW_CREDIT_THRESHOLD;
}

/** Thrown when a change would take a pool below zero (raised by identity's AccountCredits). */
export { InsufficientPoolError };

/**
 * The only way the two credit pools change (docs/domain-model.md#credits): each change locks the account
 * row, updates the pools through identity's AccountCredits and appends exactly one immutable
 * CreditTransaction, in one transaction.
 */
@Injectable()
export class CreditLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pools: AccountCredits,
    private readonly notifier: Notifier,
  ) {}

  /**
   * Applies a signed change to the pools. Inside the caller's transaction when `manager` is given,
   * else in a transaction of its own. A `referenceId` already recorded for the account makes the
   * call a no-op returning null (a payment or event is never credited twice).
   */
  async record(change: LedgerChange, manager?: EntityManager): Promise<CreditTransaction | null> {
    if (!manager) return this.dataSource.transaction((tx) => this.record(change, tx));
    await this.pools.lockPools(manager, change.accountId);
    if (change.referenceId) {
      const existing = await manager
        .getRepository(CreditTransaction)
        .findOneBy({ account_id: change.accountId, reference_id: change.referenceId });
      if (existing) return null;
    }
    const planAmount = change.planAmount ?? 0;
    const bonusAmount = change.bonusAmount ?? 0;
    const { credits: plan, bonus_credits: bonus } = await this.pools.adjustPools(manager, change.accountId, {
      plan: planAmount,
      bonus: bonusAmount,
    });
    if (planAmount + bonusAmount < 0 && !GRANT_TYPES.includes(change.type)) {
      await this.notifier.creditsChanged(manager, change.accountId, {
        before: plan + bonus - planAmount - bonusAmount,
        after: plan + bonus,
        threshold: await lowCreditThreshold(manager),
      });
    }
    const repository = manager.getRepository(CreditTransaction);
    return repository.save(
      repository.create({
        account_id: change.accountId,
        transaction_type: change.type,
        amount: planAmount + bonusAmount,
        plan_amount: planAmount,
        bonus_amount: bonusAmount,
        balance_after: plan + bonus,
        plan_balance_after: plan,
        bonus_balance_after: bonus,
        description: (change.description ?? '').slice(0, 500),
        reference_id: change.referenceId ?? null,
        metadata: change.metadata ?? {},
      }),
    );
  }

  /** Sets the plan pool to `value` (signup grant, paid invoice reset, expiry): the entry carries the difference. */
  async setPlanPool(
    accountId: number,
    value: number,
    entry: Omit<LedgerChange, 'accountId' | 'planAmount' | 'bonusAmount'>,
    manager?: EntityManager,
  ): Promise<CreditTransaction | null> {
    if (!manager) return this.dataSource.transaction((tx) => this.setPlanPool(accountId, value, entry, tx));
    const pools = await this.pools.lockPools(manager, accountId);
    return this.record({ ...entry, accountId, planAmount: value - pools.credits }, manager);
  }
}
