import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { encryptSecret } from '../../../common/crypto.js';
import { ApiError } from '../../../common/http/error-codes.js';
import { globalQuery } from '../../../common/tenancy/tenant-sql.js';
import { AppConfig } from '../../../config/app-config.js';
import { GlobalIntegrationSettings, IntegrationProvider } from '../entities/integration-settings.entity.js';
import { atScale } from './decimal.js';
import type { UpdateGlobalIntegrationDto, UpdateIntegrationProviderDto } from './dto/integration.dto.js';

const PROVIDER_SECRETS = ['api_key', 'api_secret', 'webhook_secret'] as const;
const GLOBAL_SECRETS = [
  'openai_api_key',
  'dalle_api_key',
  'runware_api_key',
  'anthropic_api_key',
  'bria_api_key',
] as const;

type Flags<K extends string> = Record<`${K}_configured`, boolean>;

export type IntegrationProviderView = Omit<IntegrationProvider, (typeof PROVIDER_SECRETS)[number]> &
  Flags<(typeof PROVIDER_SECRETS)[number]>;
export type GlobalIntegrationView = Omit<GlobalIntegrationSettings, 'id' | (typeof GLOBAL_SECRETS)[number]> &
  Flags<(typeof GLOBAL_SECRETS)[number]>;

/** Secrets leave as `<name>_configured` flags only. */
function withoutSecrets<T extends object, K extends keyof T & string>(
  row: T,
  secrets: readonly K[],
): Omit<T, K> & Flags<K> {
  const out = { ...row } as Record<string, unknown>;
  for (const secret of secrets) {
    delete out[secret];
    out[`${secret}_configured`] = typeof row[secret] === 'string' && row[secret] !== '';
  }
  return out as Omit<T, K> & Flags<K>;
}

/**
 * `system/integration-providers/` and `system/settings/global-integration/` (developers;
 * docs/system.md#provider-credentials): provider credentials the engine reads (active provider row →
 * global settings → environment). Secrets are write-only: stored encrypted with `ENCRYPTION_KEY`,
 * answered as `<name>_configured` flags, and redacted from logs by name.
 */
@Injectable()
export class IntegrationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async listProviders(): Promise<IntegrationProviderView[]> {
    const rows = await globalQuery(this.dataSource.manager, IntegrationProvider, 'p')
      .orderBy('p.provider_id', 'ASC')
      .getMany();
    return rows.map((row) => withoutSecrets(row, PROVIDER_SECRETS));
  }

  async getProvider(id: number): Promise<IntegrationProviderView> {
    return withoutSecrets(await this.provider(id), PROVIDER_SECRETS);
  }

  async updateProvider(id: number, body: UpdateIntegrationProviderDto): Promise<IntegrationProviderView> {
    const row = await this.provider(id);
    const { api_key, api_secret, webhook_secret, ...values } = body;
    Object.assign(row, definedOnly(values), this.encrypted({ api_key, api_secret, webhook_secret }));
    if (row.api_endpoint === '') row.api_endpoint = null;
    return withoutSecrets(await this.dataSource.manager.save(IntegrationProvider, row), PROVIDER_SECRETS);
  }

  async getGlobal(): Promise<GlobalIntegrationView> {
    return this.presentGlobal(await this.global());
  }

  async updateGlobal(body: UpdateGlobalIntegrationDto): Promise<GlobalIntegrationView> {
    const row = await this.global();
    const { openai_temperature, ...rest } = body;
    const secrets = Object.fromEntries(GLOBAL_SECRETS.map((name) => [name, rest[name]]));
    const values = Object.fromEntries(
      Object.entries(rest).filter(([key]) => !(GLOBAL_SECRETS as readonly string[]).includes(key)),
    );
    if (openai_temperature !== undefined) {
      const temperature = atScale(String(openai_temperature), 2);
      if (Number(temperature) > 2) {
        throw ApiError.field('openai_temperature', 'Ensure this value is less than or equal to 2.');
      }
      row.openai_temperature = temperature;
    }
    Object.assign(row, definedOnly(values), this.encrypted(secrets));
    return this.presentGlobal(await this.dataSource.manager.save(GlobalIntegrationSettings, row));
  }

  private presentGlobal(row: GlobalIntegrationSettings): GlobalIntegrationView {
    const { id: _id, ...rest } = withoutSecrets(row, GLOBAL_SECRETS);
    return rest;
  }

  /** Each given secret encrypted; null or `""` clears it; absent ones are left out. */
  private encrypted(secrets: Record<string, string | null | undefined>): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const [name, value] of Object.entries(secrets)) {
      if (value === undefined) continue;
      out[name] = value === null || value === '' ? null : encryptSecret(value, this.config.encryptionKey);
    }
    return out;
  }

  private async provider(id: number): Promise<IntegrationProvider> {
    const row = await globalQuery(this.dataSource.manager, IntegrationProvider, 'p')
      .where('p.id = :id', { id })
      .getOne();
    if (!row) throw ApiError.notFound();
    return row;
  }

  private async global(): Promise<GlobalIntegrationSettings> {
    const row = await globalQuery(this.dataSource.manager, GlobalIntegrationSettings, 'g')
      .where('g.id = 1')
      .getOne();
    if (!row) throw new Error('The GlobalIntegrationSettings row is missing; run the migrations.');
    return row;
  }
}

function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
