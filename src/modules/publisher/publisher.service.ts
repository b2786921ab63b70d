import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { ChannelLogger } from '../../common/logging/channel-logger.js';
import { tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Site } from '../identity/entities/site.entity.js';
import { IntegrationsService } from '../integration/integrations.service.js';
import { RemotePostRecords } from '../integration/remote-post-records.js';
import { WordPressSites, type WordPressDestination } from '../integration/wordpress/wordpress-site.js';
import { Cluster } from '../planner/entities/cluster.entity.js';
import { ContentIdeaKeyword } from '../planner/entities/content-idea-keyword.entity.js';
import { Sector } from '../identity/entities/sector.entity.js';
import { Notifier } from '../notifications/notifier.service.js';
import { PublishingSettingsService } from '../publishing-settings/publishing-settings.service.js';
import { ContentService } from '../writer/content.service.js';
import { ContentTaxonomyRelation } from '../writer/entities/content-taxonomy-relation.entity.js';
import { ContentTaxonomy } from '../writer/entities/content-taxonomy.entity.js';
import { Content } from '../writer/entities/content.entity.js';
import { Image } from '../writer/entities/image.entity.js';
import { Task } from '../writer/entities/task.entity.js';
import {
  applyRemoteStatus,
  lockContentForRemote,
  REMOTE_POST_STATUSES,
  type RemotePostStatus,
} from '../writer/remote-status.js';
import {
  applyRemotePost,
  failPublishing,
  linkRemoteTerm,
  markUnpublished,
  scheduleContent,
  startPublishing,
  unscheduleContent,
} from '../writer/writer-writes.js';
import { DeploymentRecord } from './entities/deployment-record.entity.js';
import { PublishingRecord, type PublishTrigger } from './entities/publishing-record.entity.js';
import { publishNotification } from './publish-notifications.js';
import { Clock } from '../../common/jobs/clock.js';
import { retractLatestPublished } from './remote-post-records.js';
import {
  type AdapterOutcome,
  type PublishImage,
  type PublishRequest,
  WordPressAdapter,
} from './wordpress-adapter.js';

type FailedOutcome = Extract<AdapterOutcome, { ok: false }>;

export type PostStatusOption = 'publish' | 'draft';

const PUBLISHABLE = ['review', 'approved', 'published'];

/** A row with its dates as ISO strings (records and deployments as the API shows them). */
export function presentRow<T extends object>(row: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === 'site' || key === 'content') continue;
    out[key] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

export interface PublishResult {
  content: unknown;
  publishing_record: Record<string, unknown>;
}

/**
 * Publishing one content item to its site's WordPress (docs/publishing.md): checks, a PublishingRecord
 * per attempt, the adapter call outside any transaction, then the outcome applied through the writer's
 * functions with a SyncEvent. Also unpublish, the live status check, and manual scheduling.
 */
@Injectable()
export class PublisherService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contents: ContentService,
    private readonly integrations: IntegrationsService,
    private readonly wordpress: WordPressSites,
    private readonly adapter: WordPressAdapter,
    private readonly settings: PublishingSettingsService,
    private readonly channels: ChannelLogger,
    private readonly clock: Clock,
    private readonly records: RemotePostRecords,
    private readonly notifier: Notifier,
  ) {}

  private manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** The visible, live content (404 otherwise). */
  async content(id: number, manager: EntityManager = this.manager()): Promise<Content> {
    const row = await tenantQuery(manager, Content, 'c').andWhere('c.id = :id', { id }).getOne();
    if (!row) throw ApiError.notFound();
    return row;
  }

  private async site(id: number, manager: EntityManager = this.manager()): Promise<Site> {
    const site = await tenantQuery(manager, Site, 's').andWhere('s.id = :id', { id }).getOne();
    if (!site) throw ApiError.notFound();
    return site;
  }

  private async destinationFor(content: Content): Promise<WordPressDestination> {
    const site = await this.site(content.site_id);
    if (site.platform_type !== 'wordpress') {
      throw new ApiError('platform_not_supported', `Publishing to ${site.platform_type} is not supported.`);
    }
    if (content.content_type === 'taxonomy') {
      throw new ApiError('platform_not_supported', 'Taxonomy content cannot be published.');
    }
    const destination = await this.wordpress.destination(site);
    if (destination.mode === 'application_password' && content.content_type !== 'post') {
      throw new ApiError(
        'platform_not_supported',
        'Only posts can be published with an application password.',
      );
    }
    return destination;
  }

  private async request(
    content: Content,
    destination: WordPressDestination,
    status: PostStatusOption,
  ): Promise<PublishRequest> {
    const manager = this.manager();
    const images = await tenantQuery(manager, Image, 'i')
      .andWhere('i.content_id = :id AND i.status = :generated AND i.image_url IS NOT NULL', {
        id: content.id,
        generated: 'generated',
      })
      .orderBy('i.position', 'ASC')
      .getMany();
    const image = (row: Image): PublishImage => ({
      id: row.id,
      image_type: row.image_type === 'featured' ? 'featured' : 'in_article',
      position: row.position,
      url: row.image_url ?? '',
      path: row.image_path,
      alt: row.alt_text.trim() || content.title,
      caption: row.caption,
      width: row.width,
      height: row.height,
      version: `${row.image_path}:${row.updated_at.toISOString()}`,
    });
    const featured = images.find((row) => row.image_type === 'featured');
    const terms = await tenantQuery(manager, ContentTaxonomy, 'tt')
      .innerJoin(ContentTaxonomyRelation, 'r', 'r.taxonomy_id = tt.id')
      .andWhere('r.content_id = :id', { id: content.id })
      .orderBy('tt.name', 'ASC')
      .getMany();
    const siteTerms = await tenantQuery(manager, ContentTaxonomy, 'tt')
      .andWhere('tt.site_id = :site AND tt.external_id IS NOT NULL', { site: content.site_id })
      .andWhere("tt.external_taxonomy IN ('category', 'post_tag')")
      .getMany();
    const known = new Map(
      siteTerms.map((t) => [`${t.taxonomy_type}:${t.name.toLowerCase()}`, t.external_id ?? '']),
    );
    const sector = await tenantQuery(manager, Sector, 'x')
      .andWhere('x.id = :id', { id: content.sector_id })
      .getOne();
    const cluster = content.cluster_id
      ? await tenantQuery(manager, Cluster, 'cl').andWhere('cl.id = :id', { id: content.cluster_id }).getOne()
      : null;
    const task = content.task_id
      ? await tenantQuery(manager, Task, 't').andWhere('t.id = :id', { id: content.task_id }).getOne()
      : null;
    const keywordIds = task?.idea_id
      ? (await manager.find(ContentIdeaKeyword, { where: { content_idea_id: task.idea_id } })).map((row) =>
          Number(row.keyword_id),
        )
      : [];
    return {
      content_id: content.id,
      site_id: content.site_id,
      title: content.title,
      content_html: content.content_html,
      status,
      post_type: content.content_type,
      meta_title: content.meta_title,
      meta_description: content.meta_description,
      primary_keyword: content.primary_keyword,
      secondary_keywords: content.secondary_keywords,
      categories: terms.filter((t) => t.taxonomy_type === 'category').map((t) => t.name),
      tags: terms.filter((t) => t.taxonomy_type === 'tag').map((t) => t.name),
      featured: featured ? image(featured) : null,
      in_article: images.filter((row) => row.image_type === 'in_article').map(image),
      cluster_id: content.cluster_id,
      sector_id: content.sector_id,
      task_id: content.task_id,
      keyword_ids: keywordIds,
      schema_markup: content.schema_markup,
      sector_name: sector?.name ?? null,
      cluster_name: cluster?.name ?? null,
      published_at: content.published_at?.toISOString() ?? null,
      external_id: content.external_id,
      external_metadata: content.external_metadata ?? {},
      writable_meta_keys: destination.integration?.config_json.writable_meta_keys ?? [],
      known_terms: known,
    };
  }

  /** Publishes one content item; a failure answers 502 `publish_failed` after recording it. */
  async publish(
    contentId: number,
    options: { status?: PostStatusOption; trigger?: PublishTrigger } = {},
  ): Promise<PublishResult> {
    const content = await this.content(contentId);
    if (!content.title.trim() || !content.content_html.trim()) {
      throw ApiError.field('non_field_errors', 'Content needs a title and a body to be published.');
    }
    if (content.site_status === 'publishing') {
      throw new ApiError('invalid_state', 'This content is being published.');
    }
    if (!PUBLISHABLE.includes(content.status)) {
      throw new ApiError('invalid_transition', `Content in status "${content.status}" cannot be published.`);
    }
    const destination = await this.destinationFor(content);
    const site = destination.site;
    const status = options.status ?? (await this.settings.forSite(site)).default_post_status;
    const trigger = options.trigger ?? 'manual';
    const record = await this.dataSource.transaction(async (manager) => {
      if (!(await startPublishing(manager, content.id))) {
        throw new ApiError('invalid_state', 'This content is being published.');
      }
      return manager.save(
        manager.create(PublishingRecord, {
          site_id: site.id,
          content_id: content.id,
          destination: 'wordpress',
          status: 'publishing',
          trigger,
          metadata: { mode: destination.mode, requested_status: status },
        }),
      );
    });
    const started = Date.now();
    let outcome;
    try {
      outcome = await this.adapter.publish(
        destination.target,
        destination.mode,
        await this.request(content, destination, status),
      );
    } catch (error) {
      outcome = {
        ok: false as const,
        http_status: null,
        reason: 'remote_error' as const,
        message: error instanceof Error ? error.message : 'Publishing failed.',
        auth_failure: false,
      };
    }
    const duration_ms = Date.now() - started;
    const event = {
      site_id: site.id,
      integration_id: destination.integration?.id ?? null,
      content_id: content.id,
      event_type: 'publish' as const,
      direction: 'to_external' as const,
      http_status: outcome.http_status,
      duration_ms,
    };
    if (outcome.ok) {
      const post = outcome.post;
      const terms = outcome.terms;
      const warnings = outcome.warnings;
      await this.dataSource.transaction(async (manager) => {
        const isPublic = await applyRemotePost(manager, content.id, post);
        // A public post republished as a draft stops being public: its published record is retracted.
        if (!isPublic && content.site_status === 'published') {
          await retractLatestPublished(manager, content.id);
        }
        for (const term of terms) await linkRemoteTerm(manager, site, term);
        // A site reached only through `?rest_route=` keeps being called that way.
        const integration = destination.integration;
        if (integration && (integration.config_json.rest_style ?? 'path') !== outcome.rest_style) {
          await this.integrations.update(manager, integration, {
            config_json: { ...integration.config_json, rest_style: outcome.rest_style },
          });
        }
        Object.assign(record, {
          status: 'published',
          external_id: post.external_id,
          external_url: post.external_url,
          published_at: new Date(),
          metadata: {
            ...record.metadata,
            post_status: post.post_status,
            http_status: outcome.http_status,
            warnings,
          },
        });
        await manager.save(record);
        await this.integrations.recordEvent(manager, {
          ...event,
          status: 'success',
          external_id: post.external_id,
          description: `Published as post ${post.external_id} (${post.post_status}).`,
          payload: { mode: destination.mode, post_status: post.post_status, warnings, trigger },
        });
        await this.notifier.notify(manager, publishNotification(record, content, null));
      });
      this.channels.info('publish-sync', 'published', {
        content_id: content.id,
        site_id: site.id,
        record_id: record.id,
        external_id: post.external_id,
        post_status: post.post_status,
        mode: destination.mode,
        duration_ms,
      });
      return { content: await this.contents.get(content.id), publishing_record: presentRow(record) };
    }
    await this.dataSource.transaction(async (manager) => {
      await failPublishing(manager, content.id);
      Object.assign(record, {
        status: 'failed',
        error_message: outcome.message,
        metadata: { ...record.metadata, http_status: outcome.http_status, reason: outcome.reason },
      });
      await manager.save(record);
      if (outcome.auth_failure && destination.integration) {
        await this.integrations.update(manager, destination.integration, { connection_status: 'error' });
      }
      await this.integrations.recordEvent(manager, {
        ...event,
        status: 'error',
        description: `Publish failed: ${outcome.reason}`,
        error_message: outcome.message,
        payload: { mode: destination.mode, reason: outcome.reason, trigger },
      });
      await this.notifier.notify(manager, publishNotification(record, content, outcome.message));
    });
    this.channels.error('publish-sync', 'publish failed', {
      content_id: content.id,
      site_id: site.id,
      record_id: record.id,
      reason: outcome.reason,
      http_status: outcome.http_status,
      error: outcome.message,
      mode: destination.mode,
      duration_ms,
    });
    throw new ApiError('publish_failed', 'Publishing to WordPress failed.', {
      details: {
        publishing_record_id: record.id,
        http_status: outcome.http_status,
        reason: outcome.reason,
        error: outcome.message,
      },
    });
  }

  /**
   * One call to WordPress about the linked post of a content item (400 `not_published` without a
   * link). A failure is logged as an error sync event and answers 502 `upstream_error`; on success the
   * caller gets the outcome and the base of its sync event.
   */
  private async linkedPostCall<T extends { ok: true; http_status?: number }>(
    contentId: number,
    event: {
      event_type: 'unpublish' | 'status_check';
      direction: 'to_external' | 'from_external';
      label: string;
    },
    failure: string,
    call: (
      destination: WordPressDestination,
      content: Content,
      externalId: string,
    ) => Promise<T | FailedOutcome>,
  ) {
    const content = await this.content(contentId);
    const externalId = content.external_id;
    if (!externalId) throw new ApiError('not_published', 'This content has no remote post.');
    const destination = await this.destinationFor(content);
    const started = Date.now();
    const outcome = await call(destination, content, externalId);
    const base = {
      site_id: content.site_id,
      integration_id: destination.integration?.id ?? null,
      content_id: content.id,
      event_type: event.event_type,
      direction: event.direction,
      external_id: externalId,
      duration_ms: Date.now() - started,
    };
    if (!outcome.ok) {
      await this.dataSource.transaction((manager) =>
        this.integrations.recordEvent(manager, {
          ...base,
          status: 'error',
          http_status: outcome.http_status,
          description: `${event.label} failed: ${outcome.reason}`,
          error_message: outcome.message,
        }),
      );
      throw new ApiError('upstream_error', failure, {
        details: { http_status: outcome.http_status, reason: outcome.reason, error: outcome.message },
      });
    }
    return { content: content as Content & { external_id: string }, outcome, base };
  }

  /** Trashes the remote post, then unpublishes the content (502 `upstream_error` on a remote failure). */
  async unpublish(
    contentId: number,
  ): Promise<{ content: unknown; publishing_record: Record<string, unknown> | null }> {
    const { content, outcome, base } = await this.linkedPostCall(
      contentId,
      { event_type: 'unpublish', direction: 'to_external', label: 'Unpublish' },
      'WordPress could not unpublish the post.',
      (destination, content, externalId) =>
        this.adapter.unpublish(destination.target, destination.mode, content.id, externalId),
    );
    const record = await this.dataSource.transaction(async (manager) => {
      await markUnpublished(manager, content.id, {
        ...content.external_metadata,
        post_status: 'trash',
        last_synced_at: new Date().toISOString(),
      });
      const retracted = await retractLatestPublished(manager, content.id);
      await this.integrations.recordEvent(manager, {
        ...base,
        status: 'success',
        http_status: outcome.http_status,
        description: `Post ${content.external_id} moved to the trash.`,
      });
      return retracted;
    });
    this.channels.info('publish-sync', 'unpublished', {
      content_id: content.id,
      external_id: content.external_id,
    });
    return {
      content: await this.contents.get(content.id),
      publishing_record: record ? presentRow(record) : null,
    };
  }

  /** Reads the remote post's status now and applies it. */
  async wordpressStatus(contentId: number) {
    const {
      content,
      outcome: remote,
      base,
    } = await this.linkedPostCall(
      contentId,
      { event_type: 'status_check', direction: 'from_external', label: 'Status check' },
      'WordPress could not be asked for the post status.',
      (destination, _content, externalId) =>
        this.adapter.status(destination.target, destination.mode, externalId),
    );
    await this.dataSource.transaction(async (manager) => {
      const locked = await lockContentForRemote(manager, content.site_id, { content_id: content.id });
      const outcome = await applyRemoteStatus(manager, locked, {
        post_status: (REMOTE_POST_STATUSES as readonly string[]).includes(remote.post_status)
          ? (remote.post_status as RemotePostStatus)
          : 'draft',
        post_url: remote.post_url,
        post_type: remote.post_type,
        post_date_gmt: remote.post_date_gmt ? new Date(remote.post_date_gmt) : null,
        post_id: content.external_id,
        changed_at: new Date(),
      });
      await this.records.record(manager, locked, outcome);
      await this.integrations.recordEvent(manager, {
        ...base,
        status: 'success',
        http_status: 200,
        description: `Remote status ${remote.post_status}.`,
        payload: { post_status: remote.post_status },
      });
    });
    const after = await this.content(contentId);
    return {
      content_id: content.id,
      external_id: after.external_id,
      post_status: remote.post_status,
      post_url: remote.post_url,
      modified_at: remote.modified_at,
      site_status: after.site_status,
      in_sync: after.site_status === content.site_status && after.status === content.status,
    };
  }

  /** Manual scheduling: approved content, a future time. */
  async schedule(contentId: number, at: Date): Promise<unknown> {
    const content = await this.content(contentId);
    if (!(at.getTime() > this.clock.now().getTime())) {
      throw ApiError.field('scheduled_publish_at', 'The time must be in the future.');
    }
    if (content.status !== 'approved') {
      throw new ApiError('invalid_transition', 'Only approved content can be scheduled.');
    }
    const done = await this.dataSource.transaction((manager) => scheduleContent(manager, content.id, at));
    if (!done)
      throw new ApiError(
        'invalid_transition',
        `Content in site status "${content.site_status}" cannot be scheduled.`,
      );
    return this.contents.get(content.id);
  }

  async unschedule(contentId: number): Promise<unknown> {
    const content = await this.content(contentId);
    const done = await this.dataSource.transaction((manager) => unscheduleContent(manager, content.id));
    if (!done) throw new ApiError('invalid_transition', 'This content is not scheduled.');
    return this.contents.get(content.id);
  }

  /**
   * Publishes several items one by one; per-item failures are reported, not raised. More than one
   * item (or `deployment: 'always'`, the scheduler) writes a DeploymentRecord per site.
   */
  async publishMany(
    contentIds: number[],
    options: { status?: PostStatusOption; trigger?: PublishTrigger; deployment?: 'always' } = {},
  ) {
    const results: {
      content_id: number;
      success: boolean;
      external_id: string | null;
      external_url: string | null;
      publishing_record_id: number | null;
      error: string | null;
    }[] = [];
    const bySite = new Map<
      number,
      { started: Date; ids: number[]; records: number[]; ok: number; failed: number; errors: string[] }
    >();
    for (const id of [...new Set(contentIds)]) {
      let siteId: number | null = null;
      try {
        const content = await this.content(id);
        siteId = content.site_id;
        if (!bySite.has(siteId))
          bySite.set(siteId, { started: new Date(), ids: [], records: [], ok: 0, failed: 0, errors: [] });
        const result = await this.publish(id, options);
        const record = result.publishing_record;
        results.push({
          content_id: id,
          success: true,
          external_id: (record.external_id as string | null) ?? null,
          external_url: (record.external_url as string | null) ?? null,
          publishing_record_id: record.id as number,
          error: null,
        });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const details = error.extra.details ?? {};
        const message = typeof details.error === 'string' ? details.error : error.message;
        results.push({
          content_id: id,
          success: false,
          external_id: null,
          external_url: null,
          publishing_record_id: (details.publishing_record_id as number | undefined) ?? null,
          error: message,
        });
      }
      const last = results[results.length - 1];
      const batch = siteId === null ? undefined : bySite.get(siteId);
      if (batch) {
        batch.ids.push(id);
        if (last.publishing_record_id) batch.records.push(last.publishing_record_id);
        if (last.success) batch.ok++;
        else {
          batch.failed++;
          batch.errors.push(`${id}: ${last.error}`);
        }
      }
    }
    let deployment_id: number | null = null;
    if (results.length > 1 || options.deployment === 'always') {
      for (const [siteId, batch] of bySite) {
        const deployment = await this.recordDeployment(siteId, batch);
        deployment_id ??= deployment.id;
      }
    }
    return {
      results,
      published_count: results.filter((r) => r.success).length,
      failed_count: results.filter((r) => !r.success).length,
      deployment_id,
    };
  }

  private async recordDeployment(
    siteId: number,
    batch: { started: Date; ids: number[]; records: number[]; ok: number; failed: number; errors: string[] },
  ): Promise<DeploymentRecord> {
    return this.dataSource.transaction((manager) =>
      manager.save(
        manager.create(DeploymentRecord, {
          site_id: siteId,
          deployment_type: 'incremental',
          status: batch.ok > 0 ? 'completed' : 'failed',
          items_deployed: batch.ok,
          items_failed: batch.failed,
          started_at: batch.started,
          completed_at: new Date(),
          error_log: batch.errors.join('\n'),
          metadata: { content_ids: batch.ids, publishing_record_ids: batch.records },
        }),
      ),
    );
  }

  /** Content ids of a site in `status`, for the sync's to_external direction. */
  async failedContentIds(siteId: number, limit: number): Promise<number[]> {
    const sql = tenantSql(this.manager());
    const c = sql.table(Content, 'c');
    const rows = await sql.query<{ id: number }[]>`
      SELECT c.id FROM ${c} WHERE ${c.scope} AND c.site_id = ${siteId} AND c.deleted_at IS NULL
         AND c.site_status = 'failed' ORDER BY c.updated_at LIMIT ${limit}`;
    return rows.map((row) => Number(row.id));
  }
}
