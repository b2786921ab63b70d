import type { PayPalSettings } from './payment-settings.js';

const REQUEST_TIMEOUT_MS = 30_000;
/** A token is renewed this long before PayPal says it expires. */
const TOKEN_MARGIN_MS = 60_000;

export interface PayPalLink {
  href: string;
  rel: string;
  method?: string;
}

export interface PayPalAmount {
  currency_code: string;
  value: string;
}

export interface PayPalCapture {
  id: string;
  status: string;
  custom_id?: string;
  invoice_id?: string;
  amount?: PayPalAmount;
}

export interface PayPalOrder {
  id: string;
  status: string;
  links?: PayPalLink[];
  purchase_units?: { reference_id?: string; custom_id?: string; payments?: { captures?: PayPalCapture[] } }[];
}

export interface NewPayPalOrder {
  /** Our invoice id: PayPal returns it as `custom_id` on the capture. */
  customId: string;
  /** Our invoice number: PayPal refuses a second order with the same one. */
  invoiceNumber: string;
  description: string;
  amount: PayPalAmount;
  returnUrl: string;
  cancelUrl: string;
}

/** The transmission headers PayPal signs a webhook delivery with. */
export interface PayPalTransmission {
  authAlgo: string;
  certUrl: string;
  transmissionId: string;
  transmissionSig: string;
  transmissionTime: string;
}

/** A PayPal REST API call that did not succeed. */
export class PayPalError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small typed client of PayPal's REST API (docs/billing.md#gateways): OAuth client-credentials
 * token (cached until shortly before it expires), Orders v2 (create, capture) and the webhook
 * signature verification call.
 */
export class PayPalClient {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(private readonly settings: PayPalSettings) {}

  async createOrder(order: NewPayPalOrder): Promise<PayPalOrder> {
    return this.call<PayPalOrder>('POST', '/v2/checkout/orders', {
      idempotencyKey: `igny8-order-${order.invoiceNumber}`,
      body: {
        intent: 'CAPTURE',
        purchase_units: [
          {
            reference_id: order.invoiceNumber,
            custom_id: order.customId,
            invoice_id: order.invoiceNumber,
            description: order.description.slice(0, 127),
            amount: order.amount,
          },
        ],
        payment_source: {
          paypal: {
            experience_context: {
              user_action: 'PAY_NOW',
              shipping_preference: 'NO_SHIPPING',
              return_url: order.returnUrl,
              cancel_url: order.cancelUrl,
            },
          },
        },
      },
    });
  }

  /** Captures an approved order; the same order captured twice is answered from PayPal's idempotency. */
  async captureOrder(orderId: string): Promise<PayPalOrder> {
    return this.call<PayPalOrder>('POST', `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`, {
      idempotencyKey: `igny8-capture-${orderId}`,
      body: {},
    });
  }

  /**
   * Asks PayPal whether a delivery is genuine. The event is passed as the exact bytes received (PayPal
   * verifies the signature over them), so it is spliced into the request body rather than re-encoded.
   */
  async verifyWebhookSignature(
    transmission: PayPalTransmission,
    rawEvent: string,
    webhookId: string,
  ): Promise<boolean> {
    const head = JSON.stringify({
      auth_algo: transmission.authAlgo,
      cert_url: transmission.certUrl,
      transmission_id: transmission.transmissionId,
      transmission_sig: transmission.transmissionSig,
      transmission_time: transmission.transmissionTime,
      webhook_id: webhookId,
    });
    const body = `${head.slice(0, -1)},"webhook_event":${rawEvent.trim()}}`;
    const answer = await this.call<{ verification_status?: string }>(
      'POST',
      '/v1/notifications/verify-webhook-signature',
      { rawBody: body },
    );
    return answer.verification_status === 'SUCCESS';
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const basic = Buffer.from(`${this.settings.clientId}:${this.settings.clientSecret}`).toString('base64');
    const response = await fetch(`${this.settings.apiBase}/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await readJson(response)) as { access_token?: string; expires_in?: number };
    if (!response.ok || !body.access_token) {
      throw new PayPalError(
        response.status,
        body,
        `PayPal refused the client credentials (${response.status}).`,
      );
    }
    const lifetimeMs = (body.expires_in ?? 0) * 1000;
    this.token = {
      value: body.access_token,
      expiresAt: Date.now() + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS),
    };
    return body.access_token;
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; rawBody?: string; idempotencyKey?: string },
  ): Promise<T> {
    const token = await this.accessToken();
    const response = await fetch(`${this.settings.apiBase}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
        prefer: 'return=representation',
        ...(options.idempotencyKey ? { 'paypal-request-id': options.idempotencyKey } : {}),
      },
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (response.status === 401) this.token = null;
    const body = await readJson(response);
    if (!response.ok) {
      const name = (body as { name?: string } | null)?.name ?? 'ERROR';
      throw new PayPalError(
        response.status,
        body,
        `PayPal ${method} ${path} failed: ${response.status} ${name}`,
      );
    }
    return body as T;
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { raw: text.slice(0, 500) };
  }
}

/** The page PayPal sends the payer to for an order. */
export function approvalUrl(order: PayPalOrder): string | null {
  return order.links?.find((link) => link.rel === 'payer-action' || link.rel === 'approve')?.href ?? null;
}
