import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Account } from './entities/account.entity.js';

/** The two credit pools of an account. */
export interface CreditPools {
  credits: number;
  bonus_credits: number;
}

/** Signed changes of the plan pool (`plan`) and the bonus pool (`bonus`). */
export interface PoolChange {
  plan: number;
  bonus: number;
}

export class InsufficientPoolError extends Error {
  constructor(
    readonly pool: 'plan' | 'bonus',
    readonly balance: number,
    readonly change: number,
  ) {
    super(`The ${pool} pool (${balance}) cannot absorb ${change}`);
  }
}

/**
 * The credit columns of `igny8_accounts` (`credits`, `bonus_credits`, `held_credits`); billing decides
 * what changes them (its ledger and meter) and calls these in its transaction. The pools are read and
 * written by account id, without tenant scope, as billing does at sign-up and for payments.
 */
@Injectable()
export class AccountCredits {
  /** The pools, with the account row locked until the transaction ends. */
  async lockPools(manager: EntityManager, accountId: number): Promise<CreditPools> {
    const rows: CreditPools[] = await manager.query(
      'SELECT credits, bonus_credits FROM igny8_accounts WHERE id = $1 FOR UPDATE',
      [accountId],
    );
    if (!rows[0]) throw new Error(`Account ${accountId} does not exist`);
    return rows[0];
  }

  /**
   * Applies signed changes to the pools in one conditional UPDATE (neither pool goes below zero:
   * InsufficientPoolError then, nothing changed). Returns the new pools.
   */
  async adjustPools(manager: EntityManager, accountId: number, change: PoolChange): Promise<CreditPools> {
    const rows: CreditPools[] = await manager.query(
      `WITH adjusted AS (
         UPDATE igny8_accounts SET credits = credits + $2, bonus_credits = bonus_credits + $3, updated_at = now()
          WHERE id = $1 AND credits + $2 >= 0 AND bonus_credits + $3 >= 0
         RETURNING credits, bonus_credits)
       SELECT credits, bonus_credits FROM adjusted`,
      [accountId, change.plan, change.bonus],
    );
    if (rows[0]) return rows[0];
    const pools = await this.lockPools(manager, accountId);
    if (pools.credits + change.plan < 0) throw new InsufficientPoolError('plan', pools.credits, change.plan);
    throw new InsufficientPoolError('bonus', pools.bonus_credits, change.bonus);
  }

  /**
   * Reserves `amount` credits with one conditional statement, so concurrent holds cannot over-commit
   * the balance. False (nothing held) when the available balance does not cover it.
   */
  async hold(manager: EntityManager, accountId: number, amount: number): Promise<boolean> {
    const sql = tenantSql(manager);
    const a = sql.table(Account, 'a');
    // An UPDATE through TypeORM's query() resolves to [rows, affected row count].
    const [, reserved] = await sql.query<[unknown[], number]>`
      UPDATE ${a} SET held_credits = held_credits + ${amount}
       WHERE ${a.scope} AND a.id = ${accountId} AND a.credits + a.bonus_credits - a.held_credits >= ${amount}`;
    return reserved > 0;
  }

  /** Releases `amount` held credits (never below zero). */
  async release(manager: EntityManager, accountId: number, amount: number): Promise<void> {
    const sql = tenantSql(manager);
    const a = sql.table(Account, 'a');
    await sql.query`
      UPDATE ${a} SET held_credits = GREATEST(held_credits - ${amount}, 0) WHERE ${a.scope} AND a.id = ${accountId}`;
  }
}
