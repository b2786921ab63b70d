import type { NewNotification } from '../notifications/notifier.service.js';
import type { PublishingRecord } from './entities/publishing-record.entity.js';

/**
 * `content_published` / `publish_failed` of one publish attempt (docs/system.md#notifications): for the
 * user who started it, account-wide when no user did (scheduled publishing).
 */
export function publishNotification(
  record: PublishingRecord,
  content: { id: number; title: string },
  failure: string | null,
): NewNotification {
  const common = {
    accountId: Number(record.account_id),
    userId: record.created_by === null ? null : Number(record.created_by),
    siteId: Number(record.site_id),
    metadata: {
      content_id: Number(content.id),
      publishing_record_id: Number(record.id),
      trigger: record.trigger,
      ...(record.external_id ? { external_id: record.external_id } : {}),
    },
  };
  if (failure === null) {
    return {
      ...common,
      type: 'content_published',
      severity: 'success',
      title: `Published: ${content.title}`,
      message: `"${content.title}" is published on WordPress.`,
      actionUrl: record.external_url,
      actionLabel: record.external_url ? 'View post' : null,
    };
  }
  return {
    ...common,
    type: 'publish_failed',
    severity: 'error',
    title: `Publishing failed: ${content.title}`,
    message: `"${content.title}" could not be published: ${failure}`,
  };
}
