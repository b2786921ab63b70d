import { Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import { Money } from '../../../common/money.js';
import { AppConfig } from '../../../config/app-config.js';
import type { Invoice } from '../entities/invoice.entity.js';
import type { CheckoutResult } from '../payment-gateways.js';
import type { StripeSettings } from './payment-settings.js';
import { StripeSignatureError, verifyStripeSignature } from './stripe-signature.js';

const REQUEST_TIMEOUT_MS = 30_000;

/** The fields of a Stripe event the webhook needs. */
export interface StripeEvent {
  id: string;
  type: string;
  created?: number;
  data: { object: Record<string, unknown> };
}

/** What our Checkout Sessions and Stripe subscriptions carry back in `metadata`. */
export interface StripeInvoiceMetadata {
  invoice_id: string;
  invoice_number: string;
  account_id: string;
}

/**
 * Stripe through its official SDK (docs/billing.md#gateways): a Checkout Session per invoice (a
 * subscription-mode session for plan invoices, so Stripe charges the renewals; a one-off payment for
 * the others) and the verification of webhook deliveries.
 */
@Injectable()
export class StripeGateway {
  private readonly clients = new Map<string, Stripe>();

  constructor(private readonly config: AppConfig) {}

  /**
   * The SDK client for these credentials, pointed at `apiBase` when one is set. The SDK is loaded on
   * first use, not at start-up (docs/performance.md#start-up).
   */
  async client(settings: StripeSettings): Promise<Stripe> {
    const cacheKey = `${settings.secretKey}\u0000${settings.apiBase ?? ''}`;
    let client = this.clients.get(cacheKey);
    if (!client) {
      const base = settings.apiBase ? new URL(settings.apiBase) : null;
      const { default: StripeSdk } = await import('stripe');
      client = new StripeSdk(settings.secretKey, {
        timeout: REQUEST_TIMEOUT_MS,
        maxNetworkRetries: 1,
        ...(base
          ? {
              host: base.hostname,
              port: base.port || (base.protocol === 'http:' ? 80 : 443),
              protocol: base.protocol === 'http:' ? 'http' : 'https',
            }
          : {}),
      });
      this.clients.set(cacheKey, client);
    }
    return client;
  }

  async createCheckout(
    settings: StripeSettings,
    invoice: Invoice,
    customerEmail?: string | null,
  ): Promise<CheckoutResult> {
    const metadata: StripeInvoiceMetadata = {
      invoice_id: String(invoice.id),
      invoice_number: invoice.invoice_number,
      account_id: String(invoice.account_id),
    };
    const recurring = invoice.invoice_type === 'subscription';
    const months = Number.isInteger(invoice.metadata.period_months)
      ? Number(invoice.metadata.period_months)
      : 1;
    const unitAmount = Money.parse(invoice.total, invoice.currency).minor;
    const returnUrl = (outcome: string) =>
      `${this.config.frontendUrl}/account/billing?invoice=${invoice.id}&checkout=${outcome}`;
    const stripe = await this.client(settings);
    const session = await stripe.checkout.sessions.create(
      {
        mode: recurring ? 'subscription' : 'payment',
        client_reference_id: String(invoice.id),
        ...(customerEmail ? { customer_email: customerEmail } : {}),
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: invoice.currency.toLowerCase(),
              unit_amount: Number(unitAmount),
              product_data: {
                name: invoice.line_items[0]?.description || `Invoice ${invoice.invoice_number}`,
              },
              ...(recurring ? { recurring: { interval: 'month' as const, interval_count: months } } : {}),
            },
          },
        ],
        metadata: { ...metadata },
        ...(recurring
          ? { subscription_data: { metadata: { ...metadata } } }
          : { payment_intent_data: { metadata: { ...metadata } } }),
        success_url: returnUrl('success'),
        cancel_url: returnUrl('cancel'),
      },
      // The same invoice asked twice (a retried request) gets the same session.
      { idempotencyKey: `igny8-checkout-${invoice.id}-${invoice.invoice_number}` },
    );
    return { checkout_url: session.url, message: null, external_id: session.id };
  }

  /** The event of a verified delivery; throws `StripeSignatureError` otherwise. */
  verify(settings: StripeSettings, rawBody: string, signature: string | undefined): StripeEvent {
    if (!settings.webhookSecret)
      throw new StripeSignatureError('No Stripe webhook signing secret is configured.');
    verifyStripeSignature(rawBody, signature, settings.webhookSecret);
    return JSON.parse(rawBody) as StripeEvent;
  }
}
