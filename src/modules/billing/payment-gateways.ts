import { Injectable } from '@nestjs/common';
import type { Invoice } from './entities/invoice.entity.js';

/** The hosted providers a payer is redirected to. */
export type GatewayProvider = 'stripe' | 'paypal';

export interface CheckoutRequest {
  provider: GatewayProvider;
  invoice: Invoice;
  /** The payer's email, for the provider's page. */
  customerEmail?: string | null;
}

/**
 * The provider's answer: a page to send the payer to, or `checkout_url: null` with a message when
 * the provider is not configured (never an error: the invoice stays payable another way).
 */
export interface CheckoutResult {
  checkout_url: string | null;
  message: string | null;
  /** The Checkout Session or PayPal order id, kept on the invoice. */
  external_id: string | null;
}

/**
 * The payment providers (docs/billing.md#checkout). Billing asks it for a checkout page when an
 * invoice is to be paid by card or PayPal; the gateway implementation (Stripe, PayPal) replaces the
 * default binding, which answers that no provider is configured.
 */
export abstract class PaymentGateways {
  abstract createCheckout(request: CheckoutRequest): Promise<CheckoutResult>;
}

const NAMES: Record<GatewayProvider, string> = { stripe: 'Card payments (Stripe)', paypal: 'PayPal' };

/** The binding used until a gateway is configured: no checkout page, and why. */
@Injectable()
export class UnconfiguredPaymentGateways extends PaymentGateways {
  createCheckout({ provider }: CheckoutRequest): Promise<CheckoutResult> {
    return Promise.resolve({
      checkout_url: null,
      message: `${NAMES[provider]} is not configured on this server yet; the invoice stays pending until it is paid.`,
      external_id: null,
    });
  }
}
