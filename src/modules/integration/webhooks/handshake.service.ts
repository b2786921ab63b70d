import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { checkAccountGate } from '../../../common/auth/auth.guard.js';
import { fromSiteKey } from '../../../common/auth/authenticated.js';
import { IdentityLookup } from '../../../common/auth/identity-lookup.js';
import { TenantContext } from '../../../common/context/tenant-context.service.js';
import { safeEqual, sha256Hex } from '../../../common/crypto.js';
import { ApiError } from '../../../common/http/error-codes.js';
import { tenantQuery } from '../../../common/tenancy/tenant-sql.js';
import { Site } from '../../identity/entities/site.entity.js';
import { SitesStore } from '../../identity/sites.store.js';
import { SiteIntegration } from '../entities/site-integration.entity.js';
import { connectionFailed } from '../integrations.resource.js';
import { IntegrationsService } from '../integrations.service.js';
import { WordPressConnection } from '../wordpress/wordpress-connection.js';
import { normaliseSiteUrl } from '../wordpress/wordpress-http.js';
import { WordPressSites } from '../wordpress/wordpress-site.js';
import type { HandshakeDto } from './handshake.dto.js';

const KEY_FORMAT = /^igny8_sk_[0-9A-Za-z]{40}$/;

/** The host of a URL without a leading `www.`, for comparing a site's domain with a plugin's URL. */
function bareHost(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return null;
  }
}

export interface HandshakeResult {
  integration_id: number;
  site_id: number;
  connected: true;
  connection_status: 'connected';
  message: string;
}

/**
 * The plugin's handshake (docs/wordpress-plugin.md#handshake): the key and site id (or an editor's
 * token) name the site, the plugin's URL is checked against the site's domain, the site's integration is
 * created or pointed at that URL, and the plugin's `igny8/v1/status` is called back with the key.
 */
@Injectable()
export class HandshakeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly identities: IdentityLookup,
    private readonly integrations: IntegrationsService,
    private readonly sites: WordPressSites,
    private readonly connection: WordPressConnection,
    private readonly siteRows: SitesStore,
  ) {}

  /**
   * Steps 1–3: without credentials the key must belong to the named, non-deleted site (an unknown site
   * and a wrong key answer alike: 401), the site must be active and its account pass the status gate;
   * the request then acts as that key. With credentials the site must be visible to the caller.
   */
  private async authenticate(body: HandshakeDto): Promise<string> {
    const principal = this.context.principal;
    if (principal && principal.via !== 'api_key') {
      const key = await this.sites.siteKey(body.site_id);
      const visible = await tenantQuery(this.dataSource.manager, Site, 's')
        .andWhere('s.id = :id', { id: body.site_id })
        .getExists();
      if (!visible) throw ApiError.notFound('Site not found.');
      if (!key) throw new ApiError('connection_failed', 'The site has no API key.');
      return key;
    }
    const invalid = new ApiError('invalid_api_key', 'Invalid API key.');
    const key = body.api_key ?? '';
    if (principal?.via === 'api_key') {
      // The key already authenticated the request: it must be this site's.
      if (principal.siteId !== body.site_id) throw invalid;
      if (!body.api_key) return (await this.sites.siteKey(body.site_id)) ?? '';
    }
    if (!KEY_FORMAT.test(key)) throw invalid;
    const hash = sha256Hex(key);
    const site = await this.identities.siteByKeyHash(hash);
    if (!site || Number(site.site_id) !== body.site_id || !safeEqual(site.wp_api_key_hash, hash))
      throw invalid;
    if (!site.site_is_active) throw new ApiError('permission_denied', 'Site is inactive.');
    checkAccountGate(site);
    this.context.setPrincipal(fromSiteKey(site).principal);
    return key;
  }

  async connect(body: HandshakeDto): Promise<HandshakeResult> {
    const key = await this.authenticate(body);
    const siteUrl = normaliseSiteUrl(body.site_url);
    if (!siteUrl) throw ApiError.field('site_url', 'Enter a valid URL.');
    const manager = this.dataSource.manager;
    const site = await tenantQuery(manager, Site, 's')
      .andWhere('s.id = :id', { id: body.site_id })
      .getOneOrFail();

    // Steps 4–5: the URL, then the integration (created, or pointed at this URL in bridge mode).
    const { integration, created } = await this.dataSource.transaction(async (tx) => {
      if (!site.domain) {
        await this.siteRows.setDomain(tx, site.id, siteUrl);
      } else if (bareHost(site.domain) !== bareHost(siteUrl)) {
        throw new ApiError('site_url_mismatch', 'The WordPress URL does not match the site’s domain.', {
          errors: { site_url: ['The WordPress URL does not match the site’s domain.'] },
        });
      }
      const existing = await this.integrations.forSite(site.id, tx);
      if (existing) {
        const updated = await this.integrations.update(tx, existing, {
          external_site_url: siteUrl,
          auth_mode: 'bridge_api_key',
        });
        return { integration: updated, created: false };
      }
      const row = await tx.save(
        tx.create(SiteIntegration, {
          site_id: site.id,
          platform: 'wordpress',
          auth_mode: 'bridge_api_key',
          external_site_url: siteUrl,
          connection_status: 'pending',
        }),
      );
      return { integration: row, created: true };
    });

    // Steps 6–8: call the plugin back, then record the outcome.
    const outcome = await this.connection.test(
      { baseUrl: siteUrl, auth: { kind: 'bridge', key } },
      'bridge_api_key',
    );
    await this.dataSource.transaction(async (tx) => {
      if (!outcome.ok && created) {
        await tx.delete(SiteIntegration, { id: integration.id, account_id: integration.account_id });
        return;
      }
      await this.integrations.recordConnection(tx, integration, outcome, 'Plugin handshake', {
        site_url: siteUrl,
      });
    });
    if (!outcome.ok) throw connectionFailed(outcome);
    return {
      integration_id: integration.id,
      site_id: site.id,
      connected: true,
      connection_status: 'connected',
      message: 'Connected.',
    };
  }
}
