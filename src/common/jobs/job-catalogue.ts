/** The typed job catalogue: queues with their limits, and every job with its payload and queue. */

export const QUEUE_NAMES = ['ai', 'automation', 'publishing', 'billing', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface QueueLimits {
  concurrency: number;
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delayMs: number };
  /** Which failures are retried: any error, or only errors marked transient. */
  retryOn: 'any' | 'transient';
  /** Aborts the job's AbortSignal; the job must stop and write nothing more. */
  softLimitMs?: number;
  /** Fails the job for good. */
  hardLimitMs?: number;
}

const MINUTE = 60_000;

export type QueueLimitTable = Record<QueueName, QueueLimits>;

/** DI token of the limits in force (the table below; tests inject shorter ones). */
export const JOB_LIMITS = Symbol('JOB_LIMITS');

export const QUEUE_LIMITS: QueueLimitTable = {
  ai: {
    concurrency: 2,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 10_000 },
    retryOn: 'transient',
    softLimitMs: 10 * MINUTE,
    hardLimitMs: 11 * MINUTE,
  },
  automation: {
    concurrency: 1,
    attempts: 1,
    backoff: { type: 'fixed', delayMs: 0 },
    retryOn: 'any',
  },
  publishing: {
    concurrency: 2,
    attempts: 5,
    backoff: { type: 'exponential', delayMs: 30_000 },
    retryOn: 'any',
    softLimitMs: 2 * MINUTE,
    hardLimitMs: 3 * MINUTE,
  },
  billing: {
    concurrency: 1,
    attempts: 5,
    backoff: { type: 'exponential', delayMs: 30_000 },
    retryOn: 'any',
    softLimitMs: 1 * MINUTE,
    hardLimitMs: 2 * MINUTE,
  },
  maintenance: {
    concurrency: 1,
    attempts: 3,
    backoff: { type: 'fixed', delayMs: 60_000 },
    retryOn: 'any',
    softLimitMs: 5 * MINUTE,
    hardLimitMs: 6 * MINUTE,
  },
};

/** Payload of every job, by name. JSON only. */
export interface JobPayloads {
  /** Runs one AI task (docs/domain-model.md#ai-engine); its input is in the task's AITaskLog row. */
  ai_task: { task_id: string; function: string; payload: Record<string, unknown> };
  /** Deletes expired idempotency records and AI task records older than 90 days. */
  cleanup_logs: Record<string, never>;
  /** Deletes expired/revoked refresh tokens (after 30 days), expired sessions and old reset tokens. */
  cleanup_auth_tokens: Record<string, never>;
  /**
   * Fails AI tasks left `queued` or `running` past the `ai` queue's hard limit with no live job
   * (lost with Redis, never queued, or their process died), releasing their holds.
   */
  reconcile_tasks: Record<string, never>;
  /** Runs (or continues) an automation run from its current stage (docs/automation.md). */
  run_automation: { run_id: string };
  /** Starts the scheduled automation runs due this hour (docs/automation.md#scheduler). */
  check_scheduled_automations: Record<string, never>;
  /** Starts a run for every automation config whose developer test trigger is due. */
  check_test_triggers: Record<string, never>;
  /** Does nothing: shows a worker is alive and measures the queue's own overhead (`npm run bench:jobs`). */
  noop: Record<string, never>;
  /** Syncs one site integration with its WordPress (docs/publishing.md#sync). */
  integration_sync: {
    integration_id: number;
    direction: 'metadata' | 'from_external' | 'to_external' | 'both';
  };
  /** Gives approved content of auto-publishing sites a free publishing slot (docs/publishing.md#scheduler). */
  schedule_approved_content: Record<string, never>;
  /** Publishes the content whose scheduled time has come (docs/publishing.md#scheduler). */
  process_scheduled_publications: Record<string, never>;
  /** Issues the renewal invoice of manually paid subscriptions ending within 7 days (docs/billing.md#renewals). */
  send_renewal_notices: Record<string, never>;
  /** Ends the periods that are over: canceled, already renewed, or `past_due` (docs/billing.md#renewals). */
  process_subscription_renewals: Record<string, never>;
  /** Expires the plan credits of renewals unpaid a day after the period end (docs/billing.md#renewals). */
  send_day_after_reminders: Record<string, never>;
  /** Suspends accounts whose renewal is unpaid 7 days after the period end (docs/billing.md#renewals). */
  check_expired_renewals: Record<string, never>;
  /** Emails the owner of an unpaid credit-package invoice expiring within 24 hours, once (docs/billing.md#invoice-deadlines). */
  send_credit_invoice_expiry_reminders: Record<string, never>;
  /** Voids unpaid credit-package invoices past `expires_at` and cancels their open manual payments (docs/billing.md#invoice-deadlines). */
  void_expired_credit_invoices: Record<string, never>;
  /** Reminds the owner of unpaid subscription invoices past their due date, every 3 days (docs/billing.md#invoice-deadlines). */
  send_invoice_reminders: Record<string, never>;
}

export type JobName = keyof JobPayloads;

export interface JobDefinition {
  queue: QueueName;
  /** Maintenance-style jobs run without a tenant, through runAsSystem. */
  system: boolean;
  /** Registered by the worker as a repeatable job (cron, UTC). */
  cron?: string;
}

export const JOB_DEFINITIONS: Record<JobName, JobDefinition> = {
  ai_task: { queue: 'ai', system: false },
  cleanup_logs: { queue: 'maintenance', system: true, cron: '0 4 * * *' },
  cleanup_auth_tokens: { queue: 'maintenance', system: true, cron: '0 4 * * *' },
  reconcile_tasks: { queue: 'maintenance', system: true, cron: '*/5 * * * *' },
  noop: { queue: 'maintenance', system: true },
  run_automation: { queue: 'automation', system: false },
  check_scheduled_automations: { queue: 'maintenance', system: true, cron: '5 * * * *' },
  check_test_triggers: { queue: 'maintenance', system: true, cron: '* * * * *' },
  integration_sync: { queue: 'publishing', system: false },
  schedule_approved_content: { queue: 'maintenance', system: true, cron: '0 * * * *' },
  process_scheduled_publications: { queue: 'maintenance', system: true, cron: '*/5 * * * *' },
  send_renewal_notices: { queue: 'billing', system: true, cron: '0 6 * * *' },
  process_subscription_renewals: { queue: 'billing', system: true, cron: '10 * * * *' },
  send_day_after_reminders: { queue: 'billing', system: true, cron: '20 * * * *' },
  check_expired_renewals: { queue: 'billing', system: true, cron: '30 * * * *' },
  send_credit_invoice_expiry_reminders: { queue: 'billing', system: true, cron: '15 * * * *' },
  // Same minute as check_expired_renewals: the billing queue runs one job at a time, so they queue.
  void_expired_credit_invoices: { queue: 'billing', system: true, cron: '30 * * * *' },
  send_invoice_reminders: { queue: 'billing', system: true, cron: '0 10 * * *' },
};

export interface JobMeta {
  accountId: number | null;
  siteId?: number;
  userId?: number;
  requestId: string;
  taskId?: string;
  system: boolean;
}

/** What every job carries: who it runs for, and its payload. */
export interface JobEnvelope<N extends JobName = JobName> {
  meta: JobMeta;
  payload: JobPayloads[N];
}
