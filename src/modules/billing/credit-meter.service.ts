import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { AccountCredits as CreditPools } from '../identity/account-credits.js';
import { Account } from '../identity/entities/account.entity.js';
import { Plan } from '../catalogue/entities/plan.entity.js';
import { CreditLedger } from './credit-ledger.service.js';
import { BillingConfiguration, CreditCostConfig } from './entities/credit-cost-config.entity.js';
import {
  CreditUsageLog,
  type OperationType,
  type RelatedObjectType,
} from './entities/credit-usage-log.entity.js';

/** What a model contributes to a charge (docs/domain-model.md#credits). */
export interface ChargeModel {
  model_name: string;
  tokens_per_credit: number | null;
  credits_per_image: number | null;
}

/** One saved AI item turning its share of the task's hold into a charge (docs/domain-model.md#credits). */
export interface ItemCharge {
  accountId: number;
  taskId: string;
  siteId: number | null;
  userId: number | null;
  operation: OperationType;
  model: ChargeModel;
  tokensInput: number;
  tokensOutput: number;
  costUsd: string;
  itemType: RelatedObjectType;
  itemId: number;
  /** The item's term in the task's estimate: how much of the hold it releases. */
  itemEstimate: number;
  metadata?: Record<string, unknown>;
}

/**
 * The credits one task still holds of its account's hold. The task's owner keeps that figure (the AI
 * module, on its task log) and hands this port in, so billing never writes the owner's table.
 */
export interface TaskCreditHold {
  /** What the task still holds; `lock` locks it for the rest of the transaction. */
  held(manager: EntityManager, lock: boolean): Promise<number>;
  /** Takes `amount` off the task's hold (never below zero). */
  release(manager: EntityManager, amount: number): Promise<void>;
}

export interface ChargeOutcome {
  credits: number;
  shortfall: number;
}

/** A retried save of an item that was already charged: the caller rolls its transaction back. */
export class AlreadyChargedError extends Error {
  constructor(readonly referenceId: string) {
    super(`${referenceId} was already charged`);
    this.name = 'AlreadyChargedError';
  }
}

interface AccountCredits {
  credits: number;
  bonus_credits: number;
  held_credits: number;
  is_internal: boolean;
}

/** The ledger reference of an AI item's charge: unique per account, so an item is never charged twice. */
export function chargeReference(taskId: string, itemType: RelatedObjectType, itemId: number): string {
  return `ai:${taskId}:${itemType}:${itemId}`;
}

/**
 * Credit metering of AI work (docs/domain-model.md#credits): estimates, the atomic hold taken at enqueue,
 * the per-item charge at SAVE (plan pool first, then bonus) and the release of what a task still
 * holds when it ends. Every method runs inside the caller's transaction.
 */
@Injectable()
export class CreditMeter {
  constructor(
    private readonly ledger: CreditLedger,
    private readonly pools: CreditPools,
  ) {}

  /** The operation's cost row: inactive → 403 "Operation disabled"; missing → a configuration error (500). */
  async costConfig(manager: EntityManager, operation: OperationType): Promise<CreditCostConfig> {
    const config = await manager.findOneBy(CreditCostConfig, { operation_type: operation });
    if (!config) throw new Error(`No credit cost configuration for operation "${operation}"`);
    if (!config.is_active) throw new ApiError('permission_denied', 'Operation disabled.');
    return config;
  }

  /**
   * The estimate of each item (docs/domain-model.md#credits), whole credits: `units` holds one entry per item
   * — the word count for the per-words units, ignored otherwise; `perImage` is the image model's price.
   */
  itemEstimates(config: CreditCostConfig, units: readonly number[], perImage = 0): number[] {
    const cost = Number(config.credits_cost);
    const floor = (value: number) => Math.max(config.min_credits, Math.ceil(value));
    switch (config.unit) {
      case 'per_request':
      case 'per_item':
        return units.map(() => floor(cost));
      case 'per_100_words':
        return units.map((words) => floor((words / 100) * cost));
      case 'per_200_words':
        return units.map((words) => floor((words / 200) * cost));
      case 'per_image':
        return units.map(() => perImage);
    }
  }

  /** The actual credits of one provider call (docs/domain-model.md#credits). */
  async actualCredits(
    manager: EntityManager,
    config: CreditCostConfig,
    model: ChargeModel,
    tokensInput: number,
    tokensOutput: number,
  ): Promise<number> {
    if (config.operation_type === 'image_generation') return model.credits_per_image ?? 0;
    const tokensPerCredit = model.tokens_per_credit ?? (await this.defaultTokensPerCredit(manager));
    return Math.max(config.min_credits, Math.ceil((tokensInput + tokensOutput) / tokensPerCredit));
  }

  /** The available balance (`credits + bonus_credits − held_credits`) and whether the account is never charged. */
  async available(
    manager: EntityManager,
    accountId: number,
  ): Promise<{ balance: number; internal: boolean }> {
    const account = await this.accountCredits(manager, accountId, false);
    return {
      balance: account.credits + account.bonus_credits - account.held_credits,
      internal: account.is_internal,
    };
  }

  async isInternal(manager: EntityManager, accountId: number): Promise<boolean> {
    return (await this.accountCredits(manager, accountId, false)).is_internal;
  }

  /**
   * Reserves `estimate` credits with one conditional statement, so concurrent requests cannot
   * over-commit the balance; 402 `insufficient_credits` when the available balance does not cover it.
   */
  async hold(
    manager: EntityManager,
    accountId: number,
    estimate: number,
    operation: OperationType,
  ): Promise<void> {
    if (estimate <= 0) return;
    if (await this.pools.hold(manager, accountId, estimate)) return;
    const account = await this.accountCredits(manager, accountId, false);
    throw new ApiError('insufficient_credits', 'Not enough credits for this action.', {
      details: {
        required: estimate,
        available: account.credits + account.bonus_credits - account.held_credits,
        operation_type: operation,
      },
    });
  }

  /** Whether the item's estimate is covered by the task's remaining hold plus the available balance. */
  async covers(
    manager: EntityManager,
    accountId: number,
    task: TaskCreditHold,
    estimate: number,
  ): Promise<boolean> {
    const account = await this.accountCredits(manager, accountId, false);
    if (account.is_internal) return true;
    const taskHold = await task.held(manager, false);
    return account.credits + account.bonus_credits - account.held_credits + taskHold >= estimate;
  }

  /**
   * Charges one saved item (docs/domain-model.md#credits): locks the account and the task, charges at most
   * what is available including the task's own remaining hold, plan pool first, releases the item's share of
   * the hold, and writes the ledger entry and the usage log. Internal-plan accounts only get the usage log.
   * Throws AlreadyChargedError when the item's ledger reference exists.
   */
  async charge(
    manager: EntityManager,
    item: ItemCharge,
    cost: number,
    task: TaskCreditHold,
  ): Promise<ChargeOutcome> {
    const account = await this.accountCredits(manager, item.accountId, true);
    const taskHold = await task.held(manager, true);
    const base = {
      account_id: item.accountId,
      site_id: item.siteId,
      user_id: item.userId,
      operation_type: item.operation,
      cost_usd: item.costUsd,
      model_used: item.model.model_name,
      tokens_input: item.tokensInput,
      tokens_output: item.tokensOutput,
      related_object_type: item.itemType,
      related_object_id: item.itemId,
      task_id: item.taskId,
    };
    if (account.is_internal) {
      await manager.save(
        manager.create(CreditUsageLog, {
          ...base,
          credits_used: cost,
          transaction_id: null,
          metadata: item.metadata ?? {},
        }),
      );
      return { credits: cost, shortfall: 0 };
    }
    const available = account.credits + account.bonus_credits - account.held_credits + taskHold;
    const charged = Math.max(0, Math.min(cost, available));
    const planPart = Math.min(charged, account.credits);
    const release = Math.min(taskHold, item.itemEstimate);
    const referenceId = chargeReference(item.taskId, item.itemType, item.itemId);
    const entry = await this.ledger.record(
      {
        accountId: item.accountId,
        type: 'deduction',
        planAmount: -planPart,
        bonusAmount: -(charged - planPart),
        description: `${item.operation} (${item.model.model_name})`,
        referenceId,
        metadata: { task_id: item.taskId, item_type: item.itemType, item_id: item.itemId },
      },
      manager,
    );
    if (!entry) throw new AlreadyChargedError(referenceId);
    await this.releaseHold(manager, item.accountId, task, release);
    const shortfall = cost - charged;
    await manager.save(
      manager.create(CreditUsageLog, {
        ...base,
        credits_used: charged,
        transaction_id: entry.id,
        metadata: { ...item.metadata, ...(shortfall > 0 ? { shortfall } : {}) },
      }),
    );
    return { credits: charged, shortfall };
  }

  /** Releases whatever the task still holds (the task is ending): account and task both drop it. */
  async releaseTask(manager: EntityManager, accountId: number, task: TaskCreditHold): Promise<void> {
    await this.accountCredits(manager, accountId, true);
    await this.releaseHold(manager, accountId, task, await task.held(manager, true));
  }

  private async releaseHold(
    manager: EntityManager,
    accountId: number,
    task: TaskCreditHold,
    amount: number,
  ): Promise<void> {
    if (amount <= 0) return;
    await this.pools.release(manager, accountId, amount);
    await task.release(manager, amount);
  }

  private async accountCredits(
    manager: EntityManager,
    accountId: number,
    lock: boolean,
  ): Promise<AccountCredits> {
    const sql = tenantSql(manager);
    const [a, p] = [sql.table(Account, 'a'), sql.global(Plan, 'p')];
    const rows = await sql.query<AccountCredits[]>`
      SELECT a.credits, a.bonus_credits, a.held_credits, p.is_internal
        FROM ${a} JOIN ${p} ON p.id = a.plan_id
       WHERE ${a.scope} AND a.id = ${accountId} ${sql.constant(lock ? 'FOR UPDATE OF a' : '')}`;
    if (!rows[0]) throw new Error(`Account ${accountId} does not exist`);
    return rows[0];
  }

  private async defaultTokensPerCredit(manager: EntityManager): Promise<number> {
    const config = await manager.findOneBy(BillingConfiguration, { id: 1 });
    return config?.default_tokens_per_credit ?? 1000;
  }
}
