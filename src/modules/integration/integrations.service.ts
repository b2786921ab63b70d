import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { decryptSecret, encryptSecret } from '../../common/crypto.js';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { AppConfig } from '../../config/app-config.js';
import { SiteIntegration } from './entities/site-integration.entity.js';
import type { ConnectionOutcome } from './wordpress/wordpress-connection.js';
import {
  SyncEvent,
  type SyncDirection,
  type SyncEventStatus,
  type SyncEventType,
} from './entities/sync-event.entity.js';

/** The application-password credentials of an integration, decrypted. Never returned nor logged. */
export interface WordPressCredentials {
  username: string;
  application_password: string;
}

/** One exchange with a remote platform, as `recordEvent` writes it. */
export interface NewSyncEvent {
  site_id: number;
  integration_id?: number | null;
  content_id?: number | null;
  event_type: SyncEventType;
  direction: SyncDirection;
  status: SyncEventStatus;
  external_id?: string | null;
  http_status?: number | null;
  duration_ms?: number | null;
  description?: string;
  error_message?: string | null;
  /** A summary without secrets. */
  payload?: Record<string, unknown>;
}

/**
 * The integration rows other modules read and write (publisher, plugin webhooks, handshake): a site's
 * integration, its decrypted credentials, and the sync-event log. Every read is scoped to the caller's
 * tenant context; callers in a transaction pass its EntityManager.
 */
@Injectable()
export class IntegrationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** The site's WordPress integration (active or not), or null. */
  forSite(siteId: number, manager: EntityManager = this.dataSource.manager): Promise<SiteIntegration | null> {
    return tenantQuery(manager, SiteIntegration, 'si')
      .andWhere('si.site_id = :site_id AND si.platform = :platform', {
        site_id: siteId,
        platform: 'wordpress',
      })
      .getOne();
  }

  /** The site's active WordPress integration, or null (publishing then uses the bridge mode). */
  async activeFor(
    siteId: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<SiteIntegration | null> {
    const integration = await this.forSite(siteId, manager);
    return integration?.is_active ? integration : null;
  }

  /** A visible integration by id, or null. */
  byId(id: number, manager: EntityManager = this.dataSource.manager): Promise<SiteIntegration | null> {
    return tenantQuery(manager, SiteIntegration, 'si').andWhere('si.id = :id', { id }).getOne();
  }

  /** The decrypted application-password credentials of a visible integration, or null when it has none. */
  async credentials(
    integrationId: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<WordPressCredentials | null> {
    const row = await tenantQuery(manager, SiteIntegration, 'si')
      .addSelect('si.credentials_encrypted')
      .andWhere('si.id = :id', { id: integrationId })
      .getOne();
    if (!row?.credentials_encrypted) return null;
    return JSON.parse(
      decryptSecret(row.credentials_encrypted, this.config.encryptionKey),
    ) as WordPressCredentials;
  }

  /** The stored form of credentials (`credentials_encrypted`). */
  encryptCredentials(credentials: WordPressCredentials): string {
    return encryptSecret(
      JSON.stringify({
        username: credentials.username,
        application_password: credentials.application_password,
      }),
      this.config.encryptionKey,
    );
  }

  /** Changes columns of a visible integration (never its credentials: use `encryptCredentials`). */
  async update(
    manager: EntityManager,
    integration: SiteIntegration,
    changes: Partial<Omit<SiteIntegration, 'id' | 'account_id' | 'site_id'>>,
  ): Promise<SiteIntegration> {
    Object.assign(integration, changes);
    return manager.save(SiteIntegration, integration);
  }

  /**
   * Records a connection test of an integration: its connection status and check time, the remote
   * config it reported (on success), and a `test_connection` sync event. `label` names the check in
   * the event text ("Connection test", "Plugin handshake"); `payload` adds to the event's payload.
   */
  async recordConnection(
    manager: EntityManager,
    integration: SiteIntegration,
    outcome: ConnectionOutcome,
    label: string,
    payload: Record<string, unknown> = {},
  ): Promise<void> {
    await this.update(manager, integration, {
      connection_status: outcome.ok ? 'connected' : 'error',
      last_connection_check_at: new Date(),
      config_json: outcome.ok ? { ...integration.config_json, ...outcome.config } : integration.config_json,
    });
    await this.recordEvent(manager, {
      site_id: integration.site_id,
      integration_id: integration.id,
      event_type: 'test_connection',
      direction: 'to_external',
      status: outcome.ok ? 'success' : 'error',
      http_status: outcome.http_status,
      duration_ms: outcome.duration_ms,
      description: outcome.ok ? `${label} succeeded.` : `${label} failed: ${outcome.reason}`,
      error_message: outcome.ok ? null : outcome.message,
      payload: { ...payload, ...(outcome.ok ? {} : { reason: outcome.reason }) },
    });
  }

  /** Appends one event to the sync log; the account comes from the site. */
  recordEvent(manager: EntityManager, event: NewSyncEvent): Promise<SyncEvent> {
    return manager.save(
      manager.create(SyncEvent, {
        integration_id: null,
        content_id: null,
        external_id: null,
        http_status: null,
        duration_ms: null,
        error_message: null,
        payload: {},
        ...event,
        description: (event.description ?? '').slice(0, 500),
      }),
    );
  }
}
