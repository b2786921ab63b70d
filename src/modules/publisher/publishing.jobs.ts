import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { JobHandler } from '../../common/jobs/job-handler.decorator.js';
import type { JobPayloads } from '../../common/jobs/job-catalogue.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Account } from '../identity/entities/account.entity.js';
import { Site } from '../identity/entities/site.entity.js';
import { storeSiteStructure } from '../integration/integrations.resource.js';
import { IntegrationsService } from '../integration/integrations.service.js';
import { decodeEntities, envelopeData } from '../integration/wordpress/wordpress-connection.js';
import { WordPressHttp, type WordPressTarget } from '../integration/wordpress/wordpress-http.js';
import { WordPressSites } from '../integration/wordpress/wordpress-site.js';
import type { SiteIntegration } from '../integration/entities/site-integration.entity.js';
import { PublishingSettings } from '../publishing-settings/entities/publishing-settings.entity.js';
import { Content } from '../writer/entities/content.entity.js';
import { linkRemoteTerm, scheduleContent } from '../writer/writer-writes.js';
import { assignSlots } from './publish-slots.js';
import { PublisherService } from './publisher.service.js';
import { Clock } from '../../common/jobs/clock.js';

type LabelCounts = Record<string, { label: string; count: number }>;

function labelCounts(value: unknown): LabelCounts {
  const out: LabelCounts = {};
  if (value === null || typeof value !== 'object') return out;
  for (const [slug, entry] of Object.entries(value as Record<string, unknown>)) {
    const row = (entry ?? {}) as Record<string, unknown>;
    out[slug] = { label: typeof row.label === 'string' ? row.label : slug, count: Number(row.count) || 0 };
  }
  return out;
}

/**
 * The publishing background work: integration syncs (docs/publishing.md#sync), the hourly slot
 * assignment for auto-publishing sites and the five-minute run that publishes due content.
 */
@Injectable()
export class PublishingJobs {
  private readonly logger = new Logger(PublishingJobs.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly integrations: IntegrationsService,
    private readonly wordpress: WordPressSites,
    private readonly http: WordPressHttp,
    private readonly publisher: PublisherService,
    private readonly clock: Clock,
  ) {}

  @JobHandler('integration_sync')
  async sync({ integration_id, direction }: JobPayloads['integration_sync']): Promise<unknown> {
    const integration = await this.integrations.byId(integration_id);
    if (!integration) return { skipped: 'integration not found' };
    const summary: Record<string, unknown> = {};
    try {
      const target = await this.wordpress.targetOf(integration);
      if (direction === 'metadata' || direction === 'both') {
        summary.terms = await this.metadata(integration, target);
      }
      if (direction === 'from_external' || direction === 'both') {
        summary.checked = await this.fromExternal(integration.site_id);
      }
      if (direction === 'to_external' || direction === 'both') {
        summary.republished = await this.toExternal(integration.site_id);
      }
      await this.dataSource.transaction((manager) =>
        this.integrations.update(manager, integration, {
          sync_status: 'completed',
          sync_error: null,
          last_sync_at: new Date(),
        }),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : 'The sync failed.';
      await this.dataSource.transaction((manager) =>
        this.integrations.update(manager, integration, {
          sync_status: 'error',
          sync_error: message,
          last_sync_at: new Date(),
        }),
      );
      return { error: message };
    }
    return summary;
  }

  private async total(target: WordPressTarget, route: string): Promise<number> {
    const answer = await this.http.request(target, { method: 'GET', route, query: { per_page: 1 } });
    if (answer.status !== 200) throw new Error(`WordPress answered ${answer.status} to ${route}.`);
    return Number(answer.headers['x-wp-total'] ?? 0) || 0;
  }

  /** Structure (pulled or built) and every category and tag as synced terms. */
  private async metadata(integration: SiteIntegration, target: WordPressTarget): Promise<number> {
    let structure: { post_types: LabelCounts; taxonomies: LabelCounts };
    if (integration.auth_mode === 'bridge_api_key') {
      const answer = await this.http.request(target, { method: 'GET', route: 'igny8/v1/site-metadata/' });
      if (answer.status !== 200 || !answer.json) throw new Error(`site-metadata answered ${answer.status}.`);
      const data = envelopeData(answer.body);
      structure = { post_types: labelCounts(data.post_types), taxonomies: labelCounts(data.taxonomies) };
    } else {
      structure = {
        post_types: { post: { label: 'Posts', count: await this.total(target, 'wp/v2/posts') } },
        taxonomies: {
          category: { label: 'Categories', count: await this.total(target, 'wp/v2/categories') },
          post_tag: { label: 'Tags', count: await this.total(target, 'wp/v2/tags') },
        },
      };
    }
    await this.dataSource.transaction((manager) =>
      storeSiteStructure(manager, this.integrations, integration, structure),
    );
    const site = await this.dataSource.manager.findOneByOrFail(Site, { id: integration.site_id });
    let terms = 0;
    for (const [route, type] of [
      ['wp/v2/categories', 'category'],
      ['wp/v2/tags', 'tag'],
    ] as const) {
      for (let page = 1; page <= 10; page++) {
        const answer = await this.http.request(target, {
          method: 'GET',
          route,
          query: { per_page: 100, page },
        });
        if (answer.status !== 200 || !Array.isArray(answer.body)) break;
        const rows = answer.body as Record<string, unknown>[];
        await this.dataSource.transaction(async (manager) => {
          for (const row of rows) {
            if (typeof row.name !== 'string' || typeof row.id !== 'number') continue;
            await linkRemoteTerm(
              manager,
              site,
              {
                name: decodeEntities(row.name),
                taxonomy_type: type,
                external_id: String(row.id),
                slug: typeof row.slug === 'string' ? row.slug : String(row.id),
              },
              { count: typeof row.count === 'number' ? row.count : 0 },
            );
            terms++;
          }
        });
        if (rows.length < 100) break;
      }
    }
    return terms;
  }

  private async fromExternal(siteId: number): Promise<number> {
    const sql = tenantSql(this.dataSource.manager);
    const c = sql.table(Content, 'c');
    const rows = await sql.query<{ id: number }[]>`
      SELECT c.id FROM ${c} WHERE ${c.scope} AND c.site_id = ${siteId} AND c.deleted_at IS NULL
         AND c.external_id IS NOT NULL
       ORDER BY c.external_metadata->>'last_synced_at' NULLS FIRST, c.id LIMIT 200`;
    let checked = 0;
    for (const row of rows) {
      try {
        await this.publisher.wordpressStatus(Number(row.id));
        checked++;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
      }
    }
    return checked;
  }

  private async toExternal(siteId: number): Promise<number> {
    let published = 0;
    for (const id of await this.publisher.failedContentIds(siteId, 20)) {
      try {
        await this.publisher.publish(id, { trigger: 'manual' });
        published++;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
      }
    }
    return published;
  }

  /** Approved content of auto-publishing sites gets the earliest free slot. */
  @JobHandler('schedule_approved_content')
  async scheduleApproved(): Promise<{ scheduled: number }> {
    const manager = this.dataSource.manager;
    const sql = tenantSql(manager);
    const ps = sql.table(PublishingSettings, 'ps');
    const s = sql.table(Site, 's');
    const a = sql.table(Account, 'a');
    const sites = await sql.query<(PublishingSettings & { timezone: string })[]>`
      SELECT ps.*, a.account_timezone AS timezone FROM ${ps}
        JOIN ${s} ON s.id = ps.site_id JOIN ${a} ON a.id = s.account_id
       WHERE ${ps.scope} AND ${s.scope} AND ${a.scope} AND ps.auto_publish_enabled
         AND s.is_active AND s.deleted_at IS NULL`;
    let scheduled = 0;
    const now = this.clock.now();
    for (const settings of sites) {
      const c = sql.table(Content, 'c');
      const candidates = await sql.query<{ id: number }[]>`
        SELECT c.id FROM ${c} WHERE ${c.scope} AND c.site_id = ${settings.site_id} AND c.deleted_at IS NULL
           AND c.status = 'approved' AND c.site_status = 'not_published' ORDER BY c.updated_at, c.id`;
      if (candidates.length === 0) continue;
      const taken = await sql.query<{ at: Date }[]>`
        SELECT COALESCE(c.scheduled_publish_at, c.published_at) AS at FROM ${c}
         WHERE ${c.scope} AND c.site_id = ${settings.site_id} AND c.deleted_at IS NULL
           AND ((c.site_status = 'scheduled' AND c.scheduled_publish_at IS NOT NULL)
             OR (c.site_status = 'published' AND c.published_at > ${now}::timestamptz - interval '32 days'))`;
      const slots = assignSlots(
        {
          timeZone: settings.timezone || 'UTC',
          publishDays: settings.publish_days,
          timeSlots: settings.publish_time_slots,
          daily: settings.daily_publish_limit,
          weekly: settings.weekly_publish_limit,
          monthly: settings.monthly_publish_limit,
        },
        now,
        taken.map((row) => new Date(row.at)),
        candidates.length,
      );
      await this.dataSource.transaction(async (tx) => {
        for (const [index, at] of slots.entries()) {
          if (await scheduleContent(tx, Number(candidates[index].id), at)) scheduled++;
        }
      });
    }
    return { scheduled };
  }

  /** Publishes due scheduled content, oldest first, at most 50, one deployment per site. */
  @JobHandler('process_scheduled_publications')
  async publishDue(): Promise<{ published: number; failed: number }> {
    const sql = tenantSql(this.dataSource.manager);
    const c = sql.table(Content, 'c');
    const due = await sql.query<{ id: number }[]>`
      SELECT c.id FROM ${c} WHERE ${c.scope} AND c.deleted_at IS NULL AND c.site_status = 'scheduled'
         AND c.scheduled_publish_at <= ${this.clock.now()}::timestamptz ORDER BY c.scheduled_publish_at, c.id LIMIT 50`;
    const result = await this.publisher.publishMany(
      due.map((row) => Number(row.id)),
      { trigger: 'scheduled', deployment: 'always' },
    );
    const published = result.published_count;
    const failed = result.failed_count;
    this.logger.log({ published, failed }, 'scheduled publications');
    return { published, failed };
  }
}
