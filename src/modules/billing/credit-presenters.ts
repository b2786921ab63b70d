import type { CreditTransaction } from './entities/credit-transaction.entity.js';
import type { CreditUsageLog } from './entities/credit-usage-log.entity.js';

/*
 * CreditTransaction and CreditUsageLog objects (docs/api-conventions.md#object-representations): every column
 * under its name, nothing else.
 */

export const TRANSACTION_FIELDS = [
  'id',
  'created_at',
  'account_id',
  'transaction_type',
  'amount',
  'plan_amount',
  'bonus_amount',
  'balance_after',
  'plan_balance_after',
  'bonus_balance_after',
  'description',
  'reference_id',
  'metadata',
] as const satisfies readonly (keyof CreditTransaction)[];

export const USAGE_LOG_FIELDS = [
  'id',
  'created_at',
  'account_id',
  'site_id',
  'user_id',
  'operation_type',
  'credits_used',
  'cost_usd',
  'model_used',
  'tokens_input',
  'tokens_output',
  'related_object_type',
  'related_object_id',
  'task_id',
  'transaction_id',
  'metadata',
] as const satisfies readonly (keyof CreditUsageLog)[];

export type TransactionView = Pick<CreditTransaction, (typeof TRANSACTION_FIELDS)[number]>;
export type UsageLogView = Pick<CreditUsageLog, (typeof USAGE_LOG_FIELDS)[number]>;

function pick<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = row[key];
  return out;
}

export const presentTransaction = (row: CreditTransaction): TransactionView => pick(row, TRANSACTION_FIELDS);

export const presentUsageLog = (row: CreditUsageLog): UsageLogView => pick(row, USAGE_LOG_FIELDS);
