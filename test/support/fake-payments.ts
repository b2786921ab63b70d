/**
 * A local stand-in for the Stripe and PayPal HTTP APIs, speaking their wire formats, so the real
 * Stripe SDK and our PayPal client run against it (STRIPE_API_BASE / PAYPAL_API_BASE). It records
 * every request, and signs webhook deliveries the way each provider does: Stripe's
 * `Stripe-Signature` HMAC, and for PayPal a transmission signature its verification endpoint checks
 * against the exact event bytes it is given. Plain module (no test-runner imports).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Form fields (Stripe) flattened as sent (`line_items[0][price_data][unit_amount]`). */
  form: Record<string, string>;
}

export interface FakeOrder {
  id: string;
  custom_id: string;
  invoice_id: string;
  amount: { currency_code: string; value: string };
  captureId: string | null;
}

const PAYPAL_SIGNING_KEY = 'fake-paypal-signing-key';

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

export class FakePayments {
  readonly requests: RecordedRequest[] = [];
  readonly orders = new Map<string, FakeOrder>();
  /** `payment_intent → Stripe invoice id`, answered by `GET /v1/invoice_payments`. */
  readonly invoicePayments = new Map<string, string>();
  /** Answer every Stripe API call with this status (an outage). */
  stripeFailure: number | null = null;
  readonly paypalClient = { id: 'paypal-client', secret: 'paypal-secret' };
  private tokens = new Set<string>();

  private constructor(
    readonly url: string,
    private readonly close_: () => Promise<void>,
  ) {}

  static async start(): Promise<FakePayments> {
    let fake: FakePayments | null = null;
    const server = createServer((req, res) => {
      void fake!.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakePayments(`http://127.0.0.1:${port}`, () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    });
    return fake;
  }

  close(): Promise<void> {
    return this.close_();
  }

  calls(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  /** The headers PayPal would send with `rawEvent` for the webhook `webhookId`. */
  paypalHeaders(rawEvent: string, webhookId: string, tamper = false): Record<string, string> {
    const transmissionId = randomBytes(8).toString('hex');
    const time = new Date().toISOString();
    const signature = paypalSignature(transmissionId, time, webhookId, rawEvent);
    return {
      'content-type': 'application/json',
      'paypal-transmission-id': transmissionId,
      'paypal-transmission-time': time,
      'paypal-transmission-sig': tamper ? signature.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')) : signature,
      'paypal-cert-url': `${this.url}/v1/notifications/certs/CERT-fake`,
      'paypal-auth-algo': 'SHA256withRSA',
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    // The Stripe SDK sends a form content type on GETs too: query and body fields together.
    const form = {
      ...Object.fromEntries(url.searchParams),
      ...((req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(body))
        : {}),
    };
    this.requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body, form });
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
      res.end(JSON.stringify(json));
    };
    const path = url.pathname;
    if (path.startsWith('/v1/oauth2') || path.startsWith('/v2/') || path.startsWith('/v1/notifications')) {
      return this.paypal(req, path, body, form, send);
    }
    if (!/^Bearer sk_/.test(req.headers.authorization ?? '')) {
      return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    }
    if (this.stripeFailure)
      return send(this.stripeFailure, { error: { type: 'api_error', message: 'Outage' } });
    if (req.method === 'POST' && path === '/v1/checkout/sessions') {
      const sessionId = id('cs_test');
      return send(200, {
        id: sessionId,
        object: 'checkout.session',
        mode: form.mode,
        status: 'open',
        payment_status: 'unpaid',
        client_reference_id: form.client_reference_id ?? null,
        customer_email: form.customer_email ?? null,
        amount_total: Number(form['line_items[0][price_data][unit_amount]']),
        currency: form['line_items[0][price_data][currency]'],
        metadata: {
          invoice_id: form['metadata[invoice_id]'],
          invoice_number: form['metadata[invoice_number]'],
          account_id: form['metadata[account_id]'],
        },
        success_url: form.success_url,
        cancel_url: form.cancel_url,
        url: `${this.url}/checkout/${sessionId}`,
      });
    }
    if (req.method === 'GET' && path === '/v1/invoice_payments') {
      const invoice = this.invoicePayments.get(form['payment[payment_intent]'] ?? '');
      return send(200, {
        object: 'list',
        url: '/v1/invoice_payments',
        has_more: false,
        data: invoice ? [{ id: id('inpay'), object: 'invoice_payment', invoice, is_default: true }] : [],
      });
    }
    return send(404, {
      error: { type: 'invalid_request_error', message: `Unrecognized request URL (${path})` },
    });
  }

  private paypal(
    req: IncomingMessage,
    path: string,
    body: string,
    form: Record<string, string>,
    send: (status: number, json: unknown) => void,
  ): void {
    if (path === '/v1/oauth2/token') {
      const basic = Buffer.from(`${this.paypalClient.id}:${this.paypalClient.secret}`).toString('base64');
      if (req.headers.authorization !== `Basic ${basic}` || form.grant_type !== 'client_credentials') {
        return send(401, { error: 'invalid_client', error_description: 'Client Authentication failed' });
      }
      const token = id('A21AA');
      this.tokens.add(token);
      return send(200, {
        scope: 'https://uri.paypal.com/services/payments',
        access_token: token,
        token_type: 'Bearer',
        expires_in: 32400,
      });
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!this.tokens.has(token))
      return send(401, { name: 'AUTHENTICATION_FAILURE', message: 'Authentication failed' });
    if (req.method === 'POST' && path === '/v2/checkout/orders') {
      const order = JSON.parse(body) as {
        purchase_units: { custom_id: string; invoice_id: string; amount: FakeOrder['amount'] }[];
      };
      const unit = order.purchase_units[0];
      const orderId = randomBytes(8).toString('hex').toUpperCase();
      this.orders.set(orderId, {
        id: orderId,
        custom_id: unit.custom_id,
        invoice_id: unit.invoice_id,
        amount: unit.amount,
        captureId: null,
      });
      return send(200, {
        id: orderId,
        status: 'PAYER_ACTION_REQUIRED',
        links: [
          { href: `${this.url}/v2/checkout/orders/${orderId}`, rel: 'self', method: 'GET' },
          { href: `${this.url}/checkoutnow?token=${orderId}`, rel: 'payer-action', method: 'GET' },
        ],
      });
    }
    const capture = /^\/v2\/checkout\/orders\/([^/]+)\/capture$/.exec(path);
    if (req.method === 'POST' && capture) {
      const order = this.orders.get(capture[1]);
      if (!order)
        return send(404, { name: 'RESOURCE_NOT_FOUND', message: 'The specified resource does not exist.' });
      if (order.captureId) {
        return send(422, { name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'ORDER_ALREADY_CAPTURED' }] });
      }
      order.captureId = randomBytes(8).toString('hex').toUpperCase();
      return send(201, this.capturedOrder(order));
    }
    if (req.method === 'POST' && path === '/v1/notifications/verify-webhook-signature') {
      const head = JSON.parse(body.replace(/,"webhook_event":[\s\S]*$/, '}')) as Record<string, string>;
      const rawEvent = /,"webhook_event":([\s\S]*)\}$/.exec(body)?.[1] ?? '';
      const expected = paypalSignature(
        head.transmission_id,
        head.transmission_time,
        head.webhook_id,
        rawEvent,
      );
      return send(200, { verification_status: expected === head.transmission_sig ? 'SUCCESS' : 'FAILURE' });
    }
    return send(404, { name: 'RESOURCE_NOT_FOUND', message: `No route ${path}` });
  }

  /** The body PayPal answers a capture with (and the resource of its capture event). */
  capturedOrder(order: FakeOrder) {
    return {
      id: order.id,
      status: 'COMPLETED',
      purchase_units: [
        {
          reference_id: order.invoice_id,
          payments: {
            captures: [
              {
                id: order.captureId,
                status: 'COMPLETED',
                custom_id: order.custom_id,
                invoice_id: order.invoice_id,
                amount: order.amount,
              },
            ],
          },
        },
      ],
    };
  }
}

/** Stand-in for PayPal's certificate signature: a keyed hash over the transmission and the event bytes. */
function paypalSignature(transmissionId: string, time: string, webhookId: string, rawEvent: string): string {
  const crc = createHash('sha256').update(rawEvent, 'utf8').digest('hex');
  return createHmac('sha256', PAYPAL_SIGNING_KEY)
    .update(`${transmissionId}|${time}|${webhookId}|${crc}`)
    .digest('base64');
}

/** A `Stripe-Signature` header for `rawBody` (the current time unless `timestamp` is given). */
export function stripeSignatureHeader(
  rawBody: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/** A Stripe event envelope around `object`. */
export function stripeEvent(type: string, object: Record<string, unknown>, eventId = id('evt')) {
  return {
    id: eventId,
    object: 'event',
    api_version: '2026-11-18.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** A PayPal webhook event envelope around `resource`. */
export function paypalEvent(
  eventType: string,
  resource: Record<string, unknown>,
  eventId = `WH-${randomBytes(8).toString('hex').toUpperCase()}`,
) {
  return {
    id: eventId,
    event_version: '1.0',
    create_time: new Date().toISOString(),
    resource_type: eventType.startsWith('CHECKOUT') ? 'checkout-order' : 'capture',
    resource_version: '2.0',
    event_type: eventType,
    summary: eventType,
    resource,
  };
}
