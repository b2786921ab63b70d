import { Injectable, Logger } from '@nestjs/common';
import { type CheckoutRequest, type CheckoutResult, PaymentGateways } from '../payment-gateways.js';
import { PaymentSettings } from './payment-settings.js';
import { PayPalGateway } from './paypal.gateway.js';
import { StripeGateway } from './stripe.gateway.js';

const NAMES = { stripe: 'Card payments (Stripe)', paypal: 'PayPal' } as const;

/**
 * The `PaymentGateways` port answered by the configured providers: a Stripe Checkout Session or a
 * PayPal order. A provider that is off, or that cannot be reached, gives `checkout_url: null` and a
 * message (the invoice stays pending and payable later), never an error.
 */
@Injectable()
export class ProviderPaymentGateways extends PaymentGateways {
  private readonly logger = new Logger('PaymentGateways');

  constructor(
    private readonly settings: PaymentSettings,
    private readonly stripe: StripeGateway,
    private readonly paypal: PayPalGateway,
  ) {
    super();
  }

  async createCheckout({ provider, invoice, customerEmail }: CheckoutRequest): Promise<CheckoutResult> {
    try {
      if (provider === 'stripe') {
        const settings = await this.settings.stripe();
        if (settings) return await this.stripe.createCheckout(settings, invoice, customerEmail);
      } else {
        const settings = await this.settings.paypal();
        if (settings) return await this.paypal.createCheckout(settings, invoice);
      }
    } catch (error) {
      this.logger.error(
        { err: error, provider, invoice: invoice.invoice_number },
        'checkout creation failed',
      );
      return {
        checkout_url: null,
        message: `${NAMES[provider]} could not be reached; the invoice stays pending, try paying it again later.`,
        external_id: null,
      };
    }
    return {
      checkout_url: null,
      message: `${NAMES[provider]} is not configured on this server; the invoice stays pending until it is paid another way.`,
      external_id: null,
    };
  }
}
