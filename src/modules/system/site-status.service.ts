import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { AutomationConfigService } from '../automation-config/automation-config.service.js';
import { ACTIVE_RUN_STATUSES, AutomationRun } from '../automation/entities/automation-run.entity.js';
import { Account } from '../identity/entities/account.entity.js';
import { SiteIntegration } from '../integration/entities/site-integration.entity.js';
import { Site } from '../identity/entities/site.entity.js';
import { Cluster } from '../planner/entities/cluster.entity.js';
import { ContentIdea } from '../planner/entities/content-idea.entity.js';
import { Keyword } from '../planner/entities/keyword.entity.js';
import { Content } from '../writer/entities/content.entity.js';
import { Task } from '../writer/entities/task.entity.js';

export interface SiteStatusView {
  site_id: number;
  name: string;
  domain: string | null;
  is_active: boolean;
  api_key: { configured: boolean; last4: string | null; last_used_at: Date | null };
  /** The site's active integration; null when it has none. */
  integration: SiteIntegrationStatus | null;
  counts: {
    keywords: number;
    clusters: number;
    ideas: number;
    tasks: number;
    content: number;
    published: number;
  };
  automation: {
    is_enabled: boolean;
    /** The run in progress (running or paused), or null. */
    current_run_id: string | null;
    last_run_at: Date | null;
    next_run_at: Date | null;
  };
}

export interface SiteIntegrationStatus {
  id: number;
  platform: string;
  auth_mode: string;
  connection_status: string;
  sync_status: string;
  last_sync_at: Date | null;
}

interface SiteRow {
  id: number;
  account_id: number;
  name: string;
  domain: string | null;
  is_active: boolean;
  configured: boolean;
  last4: string | null;
  last_used_at: Date | null;
  timezone: string;
}

/**
 * `system/sites/{id}/status/`: one site at a glance — its API key, its active integration, live
 * planner and writer counts, and its automation schedule and run in progress (null when there is none).
 */
@Injectable()
export class SiteStatusService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly automation: AutomationConfigService,
  ) {}

  async status(siteId: number): Promise<SiteStatusView> {
    return this.dataSource.transaction(async (manager) => {
      const sql = tenantSql(manager);
      const s = sql.table(Site, 's');
      const a = sql.table(Account, 'a');
      const [site] = await sql.query<SiteRow[]>`
        SELECT s.id, s.account_id, s.name, s.domain, s.is_active, s.wp_api_key_hash IS NOT NULL AS configured,
               s.api_key_last4 AS last4, s.api_key_last_used_at AS last_used_at, a.account_timezone AS timezone
          FROM ${s} JOIN ${a} ON a.id = s.account_id
         WHERE ${s.scope} AND ${a.scope} AND s.id = ${siteId} AND s.deleted_at IS NULL`;
      if (!site) throw ApiError.notFound();
      const k = sql.table(Keyword, 'k');
      const c = sql.table(Cluster, 'c');
      const i = sql.table(ContentIdea, 'i');
      const t = sql.table(Task, 't');
      const ct = sql.table(Content, 'ct');
      const [counts] = await sql.query<Record<keyof SiteStatusView['counts'], number>[]>`
        SELECT
          (SELECT count(*) FROM ${k} WHERE ${k.scope} AND k.site_id = ${site.id} AND k.deleted_at IS NULL)::int AS keywords,
          (SELECT count(*) FROM ${c} WHERE ${c.scope} AND c.site_id = ${site.id} AND c.deleted_at IS NULL)::int AS clusters,
          (SELECT count(*) FROM ${i} WHERE ${i.scope} AND i.site_id = ${site.id} AND i.deleted_at IS NULL)::int AS ideas,
          (SELECT count(*) FROM ${t} WHERE ${t.scope} AND t.site_id = ${site.id} AND t.deleted_at IS NULL)::int AS tasks,
          (SELECT count(*) FROM ${ct} WHERE ${ct.scope} AND ct.site_id = ${site.id} AND ct.deleted_at IS NULL)::int AS content,
          (SELECT count(*) FROM ${ct} WHERE ${ct.scope} AND ct.site_id = ${site.id} AND ct.deleted_at IS NULL
              AND ct.site_status = 'published')::int AS published`;
      const si = sql.table(SiteIntegration, 'si');
      const [integration] = await sql.query<SiteIntegrationStatus[]>`
        SELECT si.id::int AS id, si.platform, si.auth_mode, si.connection_status, si.sync_status, si.last_sync_at
          FROM ${si} WHERE ${si.scope} AND si.site_id = ${site.id} AND si.is_active
         ORDER BY si.id LIMIT 1`;
      const r = sql.table(AutomationRun, 'r');
      const [run] = await sql.query<{ run_id: string }[]>`
        SELECT r.run_id FROM ${r}
         WHERE ${r.scope} AND r.site_id = ${site.id} AND r.status = ANY(${[...ACTIVE_RUN_STATUSES]}::text[])
         ORDER BY r.started_at DESC LIMIT 1`;
      const config = await this.automation.forSite(
        { id: Number(site.id), account_id: Number(site.account_id), timezone: site.timezone },
        manager,
      );
      return {
        site_id: Number(site.id),
        name: site.name,
        domain: site.domain,
        is_active: site.is_active,
        api_key: { configured: site.configured, last4: site.last4, last_used_at: site.last_used_at },
        integration: integration ?? null,
        counts,
        automation: {
          is_enabled: config.is_enabled,
          current_run_id: run?.run_id ?? null,
          last_run_at: config.last_run_at,
          next_run_at: config.next_run_at,
        },
      };
    });
  }
}
