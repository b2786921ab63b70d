import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TenantContext } from '../../../common/context/tenant-context.service.js';
import { ApiError } from '../../../common/http/error-codes.js';
import {
  applyRemoteMetadata,
  applyRemoteStatus,
  lockContentForRemote,
  REMOTE_POST_STATUSES,
  type RemotePostRef,
  type RemotePostStatus,
} from '../../writer/remote-status.js';
import type { SyncEventType } from '../entities/sync-event.entity.js';
import { IntegrationsService } from '../integrations.service.js';
import { RemotePostRecords } from '../remote-post-records.js';
import type { MetadataWebhookDto, StatusWebhookDto } from './wordpress-webhooks.dto.js';

/** An ISO time of a body field, or an error on that field. */
function time(field: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) {
    throw ApiError.field(field, 'Datetime has wrong format. Use an ISO 8601 time.');
  }
  return at;
}

/** The content a webhook names: its content id, else its post id. */
function reference(contentId: number | undefined, postId: number | undefined): RemotePostRef {
  if (contentId === undefined && postId === undefined) {
    throw ApiError.field('content_id', 'Either content_id or post_id is required.');
  }
  return { content_id: contentId, post_id: postId === undefined ? undefined : String(postId) };
}

/**
 * The status and metadata webhooks the bridge plugin sends when a post of IGNY8 content changes
 * (docs/wordpress-plugin.md#webhooks). Only a site API key may call them; the content is looked up
 * within the key's site, the change applied by the writer's remote-status functions, the publishing
 * records kept in step, and every call (refused ones included) logged as a SyncEvent.
 */
@Injectable()
export class WordPressWebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly integrations: IntegrationsService,
    private readonly records: RemotePostRecords,
  ) {}

  /** The site of the calling key; other credentials are refused (403). */
  keySite(): number {
    const principal = this.context.requirePrincipal();
    if (principal.via !== 'api_key' || principal.siteId === null) {
      throw new ApiError('permission_denied', 'Only a site API key may call this.');
    }
    return principal.siteId;
  }

  async status(body: StatusWebhookDto): Promise<{
    content_id: number;
    site_status: string;
    status: string;
    updated: boolean;
  }> {
    const siteId = this.keySite();
    const postId = body.post_id ?? body.assigned_post_id;
    const remote = body.post_status ?? body.wordpress_status ?? body.status;
    return this.logged(siteId, 'status_webhook', postId, { post_status: remote }, async (manager) => {
      if (remote === undefined) throw ApiError.field('post_status', 'This field is required.');
      if (!(REMOTE_POST_STATUSES as readonly string[]).includes(remote)) {
        throw ApiError.field('post_status', `"${remote}" is not a valid choice.`);
      }
      const ref = reference(body.content_id, postId);
      const changedAt = time('modified_at', body.modified_at ?? body.synced_at) ?? new Date();
      const postDate = time('post_date_gmt', body.post_date_gmt);
      const content = await lockContentForRemote(manager, siteId, ref);
      const outcome = await applyRemoteStatus(manager, content, {
        post_status: remote as RemotePostStatus,
        post_id: ref.post_id ?? null,
        post_url: body.post_url || null,
        post_type: body.post_type ?? body.content_type ?? null,
        post_date_gmt: postDate ?? null,
        changed_at: changedAt,
      });
      if (outcome.updated) await this.records.record(manager, content, outcome);
      const { content_id, site_status, status, updated } = outcome;
      return { content_id, site_status, status, updated };
    });
  }

  async metadata(body: MetadataWebhookDto): Promise<{ content_id: number; updated_fields: string[] }> {
    const siteId = this.keySite();
    return this.logged(siteId, 'metadata_webhook', body.post_id, {}, async (manager) => {
      const ref = reference(body.content_id, body.post_id);
      const changedAt = time('modified_at', body.modified_at) ?? new Date();
      const content = await lockContentForRemote(manager, siteId, ref);
      const updated_fields = await applyRemoteMetadata(manager, content, {
        title: body.title,
        meta_title: body.meta_title,
        meta_description: body.meta_description,
        primary_keyword: body.primary_keyword,
        post_url: body.post_url,
        post_id: ref.post_id ?? null,
        categories: body.categories,
        tags: body.tags,
        changed_at: changedAt,
      });
      return { content_id: content.id, updated_fields };
    });
  }

  /**
   * Runs the webhook's work in a transaction and logs it: a success event with the content, or (after
   * the rollback) an error event with the refusal.
   */
  private async logged<T extends { content_id: number }>(
    siteId: number,
    eventType: SyncEventType,
    postId: number | undefined,
    payload: Record<string, unknown>,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    const base = {
      site_id: siteId,
      event_type: eventType,
      direction: 'from_external' as const,
      external_id: postId === undefined ? null : String(postId),
    };
    try {
      return await this.dataSource.transaction(async (manager) => {
        const result = await work(manager);
        const integration = await this.integrations.forSite(siteId, manager);
        await this.integrations.recordEvent(manager, {
          ...base,
          integration_id: integration?.id ?? null,
          content_id: result.content_id,
          status: 'success',
          description: `WordPress ${eventType === 'status_webhook' ? 'status' : 'metadata'} change`,
          payload: { ...payload, result },
        });
        return result;
      });
    } catch (error) {
      if (error instanceof ApiError) {
        const manager = this.dataSource.manager;
        const integration = await this.integrations.forSite(siteId, manager);
        await this.integrations.recordEvent(manager, {
          ...base,
          integration_id: integration?.id ?? null,
          status: 'error',
          http_status: error.status,
          description: 'Refused WordPress webhook',
          error_message: error.message,
          payload,
        });
      }
      throw error;
    }
  }
}
