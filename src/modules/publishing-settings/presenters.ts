import type { PublishingSettings } from './entities/publishing-settings.entity.js';

/** PublishingSettings as the API shows it: every column, relations never leak. */
export type PublishingSettingsView = Omit<PublishingSettings, 'site' | 'account' | 'created_by_user'>;

export function presentPublishingSettings(settings: PublishingSettings): PublishingSettingsView {
  return {
    id: settings.id,
    created_at: settings.created_at,
    updated_at: settings.updated_at,
    account_id: settings.account_id,
    created_by: settings.created_by,
    site_id: settings.site_id,
    auto_approval_enabled: settings.auto_approval_enabled,
    auto_publish_enabled: settings.auto_publish_enabled,
    daily_publish_limit: settings.daily_publish_limit,
    weekly_publish_limit: settings.weekly_publish_limit,
    monthly_publish_limit: settings.monthly_publish_limit,
    publish_days: settings.publish_days,
    publish_time_slots: settings.publish_time_slots,
    default_post_status: settings.default_post_status,
  };
}
