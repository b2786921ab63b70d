import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decryptSecret } from '../../../common/crypto.js';
import { globalQuery } from '../../../common/tenancy/tenant-sql.js';
import { AppConfig } from '../../../config/app-config.js';
import type {
  KeyedPaymentProvider,
  PaymentProviderKeys,
  PaymentProviderRow,
} from '../../billing/gateways/payment-provider-keys.js';
import { IntegrationProvider } from '../entities/integration-settings.entity.js';

/** Billing's `PaymentProviderKeys`, answered from the active `stripe`/`paypal` integration provider row. */
@Injectable()
export class IntegrationPaymentProviderKeys implements PaymentProviderKeys {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async find(provider: KeyedPaymentProvider): Promise<PaymentProviderRow | null> {
    const row = await globalQuery(this.dataSource.manager, IntegrationProvider, 'p')
      .where('p.provider_id = :provider AND p.is_active', { provider })
      .getOne();
    if (!row) return null;
    const open = (value: string | null) => (value ? decryptSecret(value, this.config.encryptionKey) : null);
    return {
      apiKey: open(row.api_key),
      apiSecret: open(row.api_secret),
      webhookSecret: open(row.webhook_secret),
      apiEndpoint: row.api_endpoint,
      sandbox: row.is_sandbox,
    };
  }
}
