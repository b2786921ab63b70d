import { Injectable } from '@nestjs/common';
import { Money } from '../../../common/money.js';
import { AppConfig } from '../../../config/app-config.js';
import type { Invoice } from '../entities/invoice.entity.js';
import type { CheckoutResult } from '../payment-gateways.js';
import type { PayPalSettings } from './payment-settings.js';
import { approvalUrl, PayPalClient, type PayPalTransmission } from './paypal.client.js';

/** The fields of a PayPal webhook event the webhook needs. */
export interface PayPalEvent {
  id: string;
  event_type: string;
  resource_type?: string;
  resource: Record<string, unknown>;
}

/** PayPal orders for invoices and the verification of webhook deliveries (docs/billing.md#gateways). */
@Injectable()
export class PayPalGateway {
  private readonly clients = new Map<string, PayPalClient>();

  constructor(private readonly config: AppConfig) {}

  /** One client (and so one cached token) per credentials and base URL. */
  client(settings: PayPalSettings): PayPalClient {
    const cacheKey = `${settings.clientId}\u0000${settings.clientSecret}\u0000${settings.apiBase}`;
    let client = this.clients.get(cacheKey);
    if (!client) {
      client = new PayPalClient(settings);
      this.clients.set(cacheKey, client);
    }
    return client;
  }

  async createCheckout(settings: PayPalSettings, invoice: Invoice): Promise<CheckoutResult> {
    const returnUrl = (outcome: string) =>
      `${this.config.frontendUrl}/account/billing?invoice=${invoice.id}&checkout=${outcome}`;
    const order = await this.client(settings).createOrder({
      customId: String(invoice.id),
      invoiceNumber: invoice.invoice_number,
      description: invoice.line_items[0]?.description || `Invoice ${invoice.invoice_number}`,
      amount: {
        currency_code: invoice.currency,
        value: Money.parse(invoice.total, invoice.currency).toString(),
      },
      returnUrl: returnUrl('success'),
      cancelUrl: returnUrl('cancel'),
    });
    return { checkout_url: approvalUrl(order), message: null, external_id: order.id };
  }

  /** True when PayPal's verification call answers `SUCCESS` for this delivery. */
  async verify(
    settings: PayPalSettings,
    rawBody: string,
    transmission: PayPalTransmission,
  ): Promise<boolean> {
    if (!settings.webhookId) return false;
    return this.client(settings).verifyWebhookSignature(transmission, rawBody, settings.webhookId);
  }
}
