import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decryptSecret } from '../../common/crypto.js';
import { ApiError } from '../../common/http/error-codes.js';
import { JobsService } from '../../common/jobs/jobs.service.js';
import { defineList, filter } from '../../common/list/index.js';
import { ScopedRepositories, type ScopedRepository } from '../../common/tenancy/scoped-repository.js';
import { ResourceDeps, ScopedResource } from '../../common/tenancy/scoped-resource.js';
import { tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { AppConfig } from '../../config/app-config.js';
import { Site } from '../identity/entities/site.entity.js';
import type {
  CreateIntegrationDto,
  CredentialsInput,
  IntegrationDto,
  SiteStructureDto,
  SyncStatusDto,
  UpdateIntegrationDto,
} from './dto/integration.dto.js';
import {
  AUTH_MODES,
  INTEGRATION_PLATFORMS,
  SiteIntegration,
  type AuthMode,
  type IntegrationConfig,
} from './entities/site-integration.entity.js';
import { SyncEvent } from './entities/sync-event.entity.js';
import { IntegrationsService } from './integrations.service.js';
import { presentSyncEvent } from './sync-events.resource.js';
import {
  SEO_PLUGINS,
  WordPressConnection,
  type ConnectionOutcome,
} from './wordpress/wordpress-connection.js';
import { normaliseSiteUrl } from './wordpress/wordpress-http.js';
import { WordPressSites } from './wordpress/wordpress-site.js';

export const INTEGRATIONS_LIST = defineList({
  filters: {
    site_id: filter.relation('si.site_id'),
    platform: filter.enum('si.platform', INTEGRATION_PLATFORMS),
    is_active: filter.boolean('si.is_active'),
    auth_mode: filter.enum('si.auth_mode', AUTH_MODES),
  },
  ordering: { fields: { created_at: 'si.created_at', id: 'si.id' }, default: '-created_at' },
});

const URL_PROBLEM = 'Enter an absolute http(s) URL without credentials, query or fragment.';
const ONE_PER_PLATFORM = 'The site already has an integration for this platform.';

type IntegrationRow = SiteIntegration & { credentials_encrypted?: string | null };

/**
 * `integration/integrations/` (docs/publishing.md): one integration per site and platform. Credentials are
 * write-only: stored encrypted, shown only as `{username, application_password_set}`. An
 * application-password integration is tested against WordPress before it is saved.
 */
@Injectable()
export class IntegrationsResource extends ScopedResource<SiteIntegration, IntegrationDto> {
  private readonly sites: ScopedRepository<Site>;

  constructor(
    deps: ResourceDeps,
    repos: ScopedRepositories,
    private readonly config: AppConfig,
    private readonly integrations: IntegrationsService,
    private readonly wordpress: WordPressSites,
    private readonly connection: WordPressConnection,
    private readonly jobs: JobsService,
  ) {
    super(deps, {
      entity: SiteIntegration,
      table: 'igny8_site_integrations',
      alias: 'si',
      list: INTEGRATIONS_LIST,
      present: (rows) => Promise.all(rows.map((row) => this.present(row))),
      uniques: {
        igny8_site_integrations_site_platform_uniq: { field: 'platform', message: ONE_PER_PLATFORM },
      },
    });
    this.sites = repos.for(Site, 's');
  }

  /** Rows carry their encrypted credentials so the username can be shown (never the password). */
  protected override query(options = {}) {
    return super.query(options).addSelect('si.credentials_encrypted');
  }

  private async present(row: IntegrationRow): Promise<IntegrationDto> {
    const { credentials_encrypted, site: _site, ...columns } = row;
    let stored: CredentialsInput | null = null;
    if (credentials_encrypted) {
      stored = JSON.parse(
        decryptSecret(credentials_encrypted, this.config.encryptionKey),
      ) as CredentialsInput;
    } else if (row.auth_mode === 'application_password') {
      stored = await this.integrations.credentials(row.id);
    }
    const credentials = stored ? { username: stored.username, application_password_set: true } : null;
    return {
      ...columns,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
      last_sync_at: row.last_sync_at?.toISOString() ?? null,
      last_connection_check_at: row.last_connection_check_at?.toISOString() ?? null,
      credentials,
    };
  }

  private siteUrl(given: string | undefined, site: Site): string {
    const text = given?.trim() ? given : site.domain;
    if (!text) throw ApiError.field('external_site_url', 'The site has no domain: send external_site_url.');
    const url = normaliseSiteUrl(text);
    if (!url) throw ApiError.field('external_site_url', URL_PROBLEM);
    return url;
  }

  private trimmed(credentials: CredentialsInput): CredentialsInput {
    return {
      username: credentials.username.trim(),
      application_password: credentials.application_password.trim(),
    };
  }

  /** Runs the application-password test before saving: failure → 400 connection_failed, nothing saved. */
  private async testBeforeSave(url: string, credentials: CredentialsInput): Promise<IntegrationConfig> {
    const outcome = await this.connection.test(
      {
        baseUrl: url,
        auth: { kind: 'basic', username: credentials.username, password: credentials.application_password },
      },
      'application_password',
    );
    if (!outcome.ok) throw connectionFailed(outcome);
    return outcome.config;
  }

  async create(body: CreateIntegrationDto): Promise<IntegrationDto> {
    const site = await this.sites.reference('site_id', body.site_id);
    const mode: AuthMode = body.auth_mode ?? 'bridge_api_key';
    const url = this.siteUrl(body.external_site_url, site);
    if (await this.integrations.forSite(site.id)) throw ApiError.field('platform', ONE_PER_PLATFORM);
    const row = this.deps.dataSource.manager.create(SiteIntegration, {
      site_id: site.id,
      platform: body.platform,
      auth_mode: mode,
      external_site_url: url,
      is_active: body.is_active ?? true,
      sync_enabled: body.sync_enabled ?? false,
      config_json: body.config_json ?? {},
      connection_status: 'pending',
    }) as IntegrationRow;
    if (mode === 'application_password') {
      if (!body.credentials)
        throw ApiError.field('credentials', 'Required with auth_mode application_password.');
      const credentials = this.trimmed(body.credentials);
      row.config_json = { ...row.config_json, ...(await this.testBeforeSave(url, credentials)) };
      row.connection_status = 'connected';
      row.last_connection_check_at = new Date();
      row.credentials_encrypted = this.integrations.encryptCredentials(credentials);
    }
    const saved = await this.transaction((manager) => this.save(manager, row));
    return this.get(saved.id);
  }

  async update(id: number, body: UpdateIntegrationDto): Promise<IntegrationDto> {
    const row: IntegrationRow = await this.find(id);
    const site = await this.sites.getVisible(row.site_id);
    const mode = body.auth_mode ?? row.auth_mode;
    const url =
      body.external_site_url !== undefined
        ? this.siteUrl(body.external_site_url, site)
        : row.external_site_url;
    if (body.platform !== undefined) row.platform = body.platform;
    if (body.is_active !== undefined) row.is_active = body.is_active;
    if (body.sync_enabled !== undefined) row.sync_enabled = body.sync_enabled;
    if (body.config_json !== undefined) row.config_json = body.config_json;
    if (mode === 'application_password') {
      const stored = row.credentials_encrypted
        ? (JSON.parse(
            decryptSecret(row.credentials_encrypted, this.config.encryptionKey),
          ) as CredentialsInput)
        : null;
      const credentials = body.credentials ? this.trimmed(body.credentials) : stored;
      if (!credentials) throw ApiError.field('credentials', 'Required with auth_mode application_password.');
      if (body.credentials || mode !== row.auth_mode || url !== row.external_site_url) {
        row.config_json = { ...row.config_json, ...(await this.testBeforeSave(url, credentials)) };
        row.connection_status = 'connected';
        row.last_connection_check_at = new Date();
        row.credentials_encrypted = this.integrations.encryptCredentials(credentials);
      }
    } else {
      row.credentials_encrypted = null;
      if (mode !== row.auth_mode || url !== row.external_site_url) row.connection_status = 'pending';
    }
    row.auth_mode = mode;
    row.external_site_url = url;
    await this.transaction((manager) => this.save(manager, row));
    return this.get(id);
  }

  /** Integrations are not soft-deletable: DELETE removes the row (its sync events keep a null link). */
  override async remove(id: number): Promise<void> {
    await this.find(id);
    await this.transaction((manager) => manager.delete(SiteIntegration, { id }));
  }

  /** Tests the connection of a stored integration and records the outcome. */
  async testConnection(id: number) {
    const integration = await this.find(id);
    let outcome: ConnectionOutcome;
    try {
      const target = await this.wordpress.targetOf(integration);
      outcome = await this.connection.test(target, integration.auth_mode);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      outcome = {
        ok: false,
        http_status: null,
        reason: 'invalid_key',
        message: error.message,
        duration_ms: 0,
      };
    }
    await this.transaction((manager) =>
      this.integrations.recordConnection(
        manager,
        integration,
        outcome,
        'Connection test',
        outcome.ok ? { auth_mode: integration.auth_mode } : {},
      ),
    );
    if (!outcome.ok) throw connectionFailed(outcome);
    return {
      connected: true,
      connection_status: 'connected' as const,
      message: 'Connected.',
      details: {
        http_status: outcome.http_status,
        duration_ms: outcome.duration_ms,
        auth_mode: integration.auth_mode,
      },
    };
  }

  /** The site structure pushed by the plugin (or an editor). */
  async updateSiteStructure(id: number, body: SiteStructureDto) {
    const integration = await this.find(id);
    const content_types = await this.transaction((manager) =>
      storeSiteStructure(manager, this.integrations, integration, body),
    );
    return { integration_id: integration.id, content_types };
  }

  async contentTypes(id: number): Promise<Record<string, unknown>> {
    const integration = await this.find(id);
    return integration.config_json.content_types ?? {};
  }

  /** Starts a background sync (202): 409 while one runs. */
  async sync(id: number, direction: SyncDirectionInput = 'metadata'): Promise<{ task_id: string }> {
    const integration = await this.find(id);
    const claimed = await this.transaction(async (manager) => {
      const sql = tenantSql(manager);
      const si = sql.table(SiteIntegration, 'si');
      const rows = await sql.returning<{ id: number }>`
        UPDATE ${si} SET sync_status = 'syncing', sync_error = NULL, updated_at = now()
         WHERE ${si.scope} AND si.id = ${id} AND si.sync_status <> 'syncing' RETURNING si.id`;
      return rows.length > 0;
    });
    if (!claimed) throw new ApiError('invalid_state', 'A sync of this integration is already running.');
    try {
      const task_id = await this.jobs.enqueue(
        'integration_sync',
        { integration_id: id, direction },
        { siteId: integration.site_id },
      );
      return { task_id };
    } catch (error) {
      await this.transaction((manager) =>
        this.integrations.update(manager, integration, {
          sync_status: 'error',
          sync_error: 'The sync could not be queued.',
        }),
      );
      throw error;
    }
  }

  async syncStatus(id: number): Promise<SyncStatusDto> {
    const integration = await this.find(id);
    const events = await tenantQuery(this.deps.dataSource.manager, SyncEvent, 'se')
      .andWhere('se.integration_id = :id', { id })
      .orderBy('se.created_at', 'DESC')
      .addOrderBy('se.id', 'DESC')
      .limit(10)
      .getMany();
    return {
      integration_id: integration.id,
      sync_status: integration.sync_status,
      last_sync_at: integration.last_sync_at?.toISOString() ?? null,
      sync_error: integration.sync_error,
      connection_status: integration.connection_status,
      last_connection_check_at: integration.last_connection_check_at?.toISOString() ?? null,
      recent_events: events.map(presentSyncEvent),
    };
  }
}

export type SyncDirectionInput = 'metadata' | 'from_external' | 'to_external' | 'both';

/** 400 `connection_failed` with `details: {http_status, reason}`. */
export function connectionFailed(outcome: Extract<ConnectionOutcome, { ok: false }>): ApiError {
  return new ApiError('connection_failed', outcome.message, {
    details: { http_status: outcome.http_status, reason: outcome.reason },
  });
}

/** Stores a site structure (pushed, pulled or built) on the integration; returns `content_types`. */
export async function storeSiteStructure(
  manager: EntityManager,
  integrations: IntegrationsService,
  integration: SiteIntegration,
  structure: Pick<SiteStructureDto, 'post_types' | 'taxonomies'> &
    Partial<Pick<SiteStructureDto, 'plugin_version' | 'wp_version' | 'php_version' | 'seo_plugin'>>,
): Promise<Record<string, unknown>> {
  const content_types = {
    post_types: structure.post_types,
    taxonomies: structure.taxonomies,
    updated_at: new Date().toISOString(),
  };
  const config: IntegrationConfig = { ...integration.config_json, content_types };
  if (structure.plugin_version || structure.wp_version || structure.php_version) {
    config.plugin = {
      ...(config.plugin ?? {}),
      ...(structure.plugin_version ? { version: structure.plugin_version } : {}),
      ...(structure.wp_version ? { wp_version: structure.wp_version } : {}),
      ...(structure.php_version ? { php_version: structure.php_version } : {}),
      last_seen_at: new Date().toISOString(),
    };
  }
  if (structure.seo_plugin !== undefined) {
    config.seo_plugin = (SEO_PLUGINS as readonly string[]).includes(structure.seo_plugin)
      ? structure.seo_plugin
      : 'none';
  }
  await integrations.update(manager, integration, { config_json: config, connection_status: 'connected' });
  await integrations.recordEvent(manager, {
    site_id: integration.site_id,
    integration_id: integration.id,
    event_type: 'site_structure',
    direction: 'from_external',
    status: 'success',
    description: 'Site structure stored.',
    payload: {
      post_types: Object.keys(structure.post_types).length,
      taxonomies: Object.keys(structure.taxonomies).length,
    },
  });
  return content_types;
}
