import type { AutomationRun } from './entities/automation-run.entity.js';

export type AutomationRunView = Omit<
  AutomationRun,
  'site' | 'account' | 'created_by_user' | 'current_item' | 'event_seq'
>;

export function presentRun(run: AutomationRun): AutomationRunView {
  const {
    site: _site,
    account: _account,
    created_by_user: _user,
    current_item: _item,
    event_seq: _seq,
    ...view
  } = run;
  return {
    ...view,
    id: Number(view.id),
    account_id: Number(view.account_id),
    site_id: Number(view.site_id),
  };
}

export const HISTORY_FIELDS = [
  'id',
  'run_id',
  'status',
  'trigger_type',
  'current_stage',
  'total_credits_used',
  'estimated_credits',
  'started_at',
  'paused_at',
  'cancelled_at',
  'completed_at',
  'error_message',
] as const;

export type HistoryEntry = Pick<AutomationRunView, (typeof HISTORY_FIELDS)[number]>;

export function presentHistory(run: AutomationRun): HistoryEntry {
  const view = presentRun(run);
  return Object.fromEntries(HISTORY_FIELDS.map((field) => [field, view[field]])) as HistoryEntry;
}
