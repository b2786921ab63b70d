import type { AutomationConfig } from './entities/automation-config.entity.js';

/**
 * AutomationConfig as the API shows it: every column, `scheduled_time` as `HH:MM`
 * (docs/domain-model.md#conventions).
 */
export type AutomationConfigView = Omit<AutomationConfig, 'site' | 'account' | 'created_by_user'>;

export function presentAutomationConfig(config: AutomationConfig): AutomationConfigView {
  return {
    id: config.id,
    created_at: config.created_at,
    updated_at: config.updated_at,
    account_id: config.account_id,
    created_by: config.created_by,
    site_id: config.site_id,
    is_enabled: config.is_enabled,
    frequency: config.frequency,
    scheduled_time: config.scheduled_time.slice(0, 5),
    stage_1_batch_size: config.stage_1_batch_size,
    stage_2_batch_size: config.stage_2_batch_size,
    stage_3_batch_size: config.stage_3_batch_size,
    stage_4_batch_size: config.stage_4_batch_size,
    stage_5_batch_size: config.stage_5_batch_size,
    stage_6_batch_size: config.stage_6_batch_size,
    within_stage_delay: config.within_stage_delay,
    between_stage_delay: config.between_stage_delay,
    last_run_at: config.last_run_at,
    next_run_at: config.next_run_at,
    test_trigger_at: config.test_trigger_at,
  };
}
