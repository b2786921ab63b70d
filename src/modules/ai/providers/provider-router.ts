import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decryptSecret } from '../../../common/crypto.js';
import { globalQuery } from '../../../common/tenancy/tenant-sql.js';
import { AppConfig } from '../../../config/app-config.js';
import type { AiModel, ModelProvider } from '../entities/ai-model.entity.js';
import { GlobalIntegrationSettings, IntegrationProvider } from '../entities/integration-settings.entity.js';
import type { AiProvider } from './ai-provider.js';
import { OfflineProvider } from './offline/offline.provider.js';
import { OpenAiProvider } from './openai.provider.js';

/** Providers that have an adapter (docs/domain-model.md#ai-engine); models of the others cannot run. */
const ADAPTERS: ReadonlySet<ModelProvider> = new Set(['openai']);

interface ProviderCredentials {
  apiKey: string;
  baseUrl?: string;
}

/**
 * `AICore`'s routing (docs/domain-model.md#ai-engine): each call goes to the adapter of its model's
 * provider, or to the offline provider when `AI_PROVIDER=offline` or no key is configured for that
 * provider (key precedence: active IntegrationProvider row → GlobalIntegrationSettings → env).
 */
@Injectable()
export class ProviderRouter {
  private readonly clients = new Map<string, OpenAiProvider>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly offline: OfflineProvider,
  ) {}

  /** Whether an entry point may use this model (400 `model_not_supported` otherwise). */
  supports(model: AiModel): boolean {
    return this.config.ai.forceOffline || ADAPTERS.has(model.provider);
  }

  async providerFor(model: AiModel): Promise<AiProvider> {
    if (this.config.ai.forceOffline) return this.offline;
    const credentials = await this.credentials(model.provider);
    if (!credentials) return this.offline;
    const cacheKey = `${credentials.apiKey}\u0000${credentials.baseUrl ?? ''}`;
    let client = this.clients.get(cacheKey);
    if (!client) {
      client = new OpenAiProvider({
        apiKey: credentials.apiKey,
        baseUrl: credentials.baseUrl,
        timeoutMs: this.config.ai.requestTimeoutMs,
        retryDelaysMs: this.config.ai.retryDelaysMs,
      });
      this.clients.set(cacheKey, client);
    }
    return client;
  }

  private async credentials(provider: ModelProvider): Promise<ProviderCredentials | null> {
    if (provider !== 'openai') return null;
    const key = this.config.encryptionKey;
    const row = await globalQuery(this.dataSource.manager, IntegrationProvider, 'p')
      .where('p.provider_id = :provider AND p.is_active', { provider })
      .getOne();
    const baseUrl = row?.api_endpoint ?? this.config.ai.openaiBaseUrl;
    if (row?.api_key) return { apiKey: decryptSecret(row.api_key, key), baseUrl };
    const global = await globalQuery(this.dataSource.manager, GlobalIntegrationSettings, 'g')
      .where('g.id = 1')
      .getOne();
    if (global?.openai_api_key) return { apiKey: decryptSecret(global.openai_api_key, key), baseUrl };
    const fromEnv = this.config.ai.openaiApiKey;
    return fromEnv ? { apiKey: fromEnv, baseUrl } : null;
  }
}
