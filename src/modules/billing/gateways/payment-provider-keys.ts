/** The payment providers whose credentials live in the integration provider rows. */
export type KeyedPaymentProvider = 'stripe' | 'paypal';

/**
 * The credentials of an active payment provider row, decrypted: Stripe's secret key and signing
 * secret; PayPal's client id, client secret and webhook id.
 */
export interface PaymentProviderRow {
  apiKey: string | null;
  apiSecret: string | null;
  webhookSecret: string | null;
  apiEndpoint: string | null;
  sandbox: boolean;
}

/**
 * Reads payment credentials from the integration provider rows, which the AI configuration owns; the
 * application module binds its answer, so billing does not import the AI module.
 */
export abstract class PaymentProviderKeys {
  /** The active row of `provider`, or null when there is none. */
  abstract find(provider: KeyedPaymentProvider): Promise<PaymentProviderRow | null>;
}
