import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config.js';
import { PaymentProviderKeys, type PaymentProviderRow } from './payment-provider-keys.js';

export interface StripeSettings {
  secretKey: string;
  /** Signing secret of the webhook endpoint; null → Stripe webhooks are refused. */
  webhookSecret: string | null;
  /** Base URL of the API; null → Stripe's own. */
  apiBase: string | null;
}

export interface PayPalSettings {
  clientId: string;
  clientSecret: string;
  /** The webhook id PayPal's verification call needs; null → PayPal webhooks are refused. */
  webhookId: string | null;
  apiBase: string;
}

const PAYPAL_LIVE = 'https://api-m.paypal.com';
const PAYPAL_SANDBOX = 'https://api-m.sandbox.paypal.com';

/**
 * The effective credentials of each payment provider (docs/billing.md#gateways): the active
 * integration provider row first, each value falling back to the environment. A provider without its
 * API key (Stripe) or client id and secret (PayPal) is off.
 */
@Injectable()
export class PaymentSettings {
  constructor(
    private readonly keys: PaymentProviderKeys,
    private readonly config: AppConfig,
  ) {}

  async stripe(): Promise<StripeSettings | null> {
    const row = await this.keys.find('stripe');
    const env = this.config.payments;
    const secretKey = row?.apiKey ?? env.stripeSecretKey;
    if (!secretKey) return null;
    return {
      secretKey,
      webhookSecret: row?.webhookSecret ?? env.stripeWebhookSecret ?? null,
      apiBase: endpoint(row) ?? env.stripeApiBase ?? null,
    };
  }

  async paypal(): Promise<PayPalSettings | null> {
    const row = await this.keys.find('paypal');
    const env = this.config.payments;
    const clientId = row?.apiKey ?? env.paypalClientId;
    const clientSecret = row?.apiSecret ?? env.paypalClientSecret;
    if (!clientId || !clientSecret) return null;
    return {
      clientId,
      clientSecret,
      webhookId: row?.webhookSecret ?? env.paypalWebhookId ?? null,
      apiBase: endpoint(row) ?? env.paypalApiBase ?? (row?.sandbox ? PAYPAL_SANDBOX : PAYPAL_LIVE),
    };
  }
}

const endpoint = (row: PaymentProviderRow | null) => row?.apiEndpoint?.replace(/\/+$/, '') || null;
