import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { decryptSecret } from '../../../common/crypto.js';
import { ApiError } from '../../../common/http/error-codes.js';
import { tenantQuery } from '../../../common/tenancy/tenant-sql.js';
import { AppConfig } from '../../../config/app-config.js';
import { Site } from '../../identity/entities/site.entity.js';
import type { AuthMode, SiteIntegration } from '../entities/site-integration.entity.js';
import { IntegrationsService } from '../integrations.service.js';
import { normaliseSiteUrl, type WordPressTarget } from './wordpress-http.js';

/** Where and how one site's content goes to WordPress. */
export interface WordPressDestination {
  site: Site;
  /** The active integration used, or null (bridge mode with the site's domain). */
  integration: SiteIntegration | null;
  mode: AuthMode;
  target: WordPressTarget;
}

export const NO_WORDPRESS_URL = 'The site has no WordPress URL.';

/**
 * Which WordPress a site publishes to (docs/publishing.md#modes): its active integration (its mode and
 * URL), else the bridge mode with the site's domain and API key.
 */
@Injectable()
export class WordPressSites {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly integrations: IntegrationsService,
  ) {}

  /** The decrypted API key of a visible site, or null when it has none. */
  async siteKey(siteId: number, manager: EntityManager = this.dataSource.manager): Promise<string | null> {
    const row = await tenantQuery(manager, Site, 's')
      .select('s.wp_api_key_encrypted', 'key')
      .andWhere('s.id = :id', { id: siteId })
      .getRawOne<{ key: string | null }>();
    return row?.key ? decryptSecret(row.key, this.config.encryptionKey) : null;
  }

  /** The target of an integration (its mode's credentials). */
  async targetOf(
    integration: SiteIntegration,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<WordPressTarget> {
    const restStyle = integration.config_json.rest_style === 'query' ? 'query' : 'path';
    if (integration.auth_mode === 'application_password') {
      const credentials = await this.integrations.credentials(integration.id, manager);
      if (!credentials) throw new ApiError('connection_failed', 'The integration has no credentials.');
      return {
        baseUrl: integration.external_site_url,
        auth: { kind: 'basic', username: credentials.username, password: credentials.application_password },
        restStyle,
      };
    }
    const key = await this.siteKey(integration.site_id, manager);
    if (!key) throw new ApiError('connection_failed', 'The site has no API key.');
    return { baseUrl: integration.external_site_url, auth: { kind: 'bridge', key }, restStyle };
  }

  /** The destination of a visible site (400 when it has no WordPress URL). */
  async destination(
    site: Site,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<WordPressDestination> {
    const integration = await this.integrations.activeFor(site.id, manager);
    if (integration) {
      return {
        site,
        integration,
        mode: integration.auth_mode,
        target: await this.targetOf(integration, manager),
      };
    }
    const baseUrl = site.domain ? normaliseSiteUrl(site.domain) : null;
    const key = await this.siteKey(site.id, manager);
    if (!baseUrl || !key) throw ApiError.field('non_field_errors', NO_WORDPRESS_URL);
    return {
      site,
      integration: null,
      mode: 'bridge_api_key',
      target: { baseUrl, auth: { kind: 'bridge', key } },
    };
  }
}
