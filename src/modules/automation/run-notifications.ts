import type { NewNotification } from '../notifications/notifier.service.js';
import type { AutomationRun } from './entities/automation-run.entity.js';

/**
 * `automation_completed` / `automation_failed` when a run ends (docs/system.md#notifications): for the
 * user who started it, account-wide for a scheduled run.
 */
export function runEndNotification(run: AutomationRun, status: 'completed' | 'failed'): NewNotification {
  const done = status === 'completed';
  return {
    accountId: Number(run.account_id),
    userId: run.created_by === null ? null : Number(run.created_by),
    siteId: Number(run.site_id),
    type: done ? 'automation_completed' : 'automation_failed',
    severity: done ? 'success' : 'error',
    title: done ? 'Automation run completed' : 'Automation run failed',
    message: done
      ? `The automation run finished all its stages; ${run.total_credits_used} credits used.`
      : (run.error_message ?? 'The automation run failed.'),
    metadata: { run_id: run.run_id, trigger_type: run.trigger_type, stage: run.current_stage },
  };
}
