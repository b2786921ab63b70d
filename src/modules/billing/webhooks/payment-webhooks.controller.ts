import { Body, Controller, Headers, HttpCode, Logger, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '../../../common/auth/public.decorator.js';
import { TenantContext } from '../../../common/context/tenant-context.service.js';
import { ApiError } from '../../../common/http/error-codes.js';
import { KeepRawBody, RawBody } from '../../../common/http/raw-body.js';
import { ApiData } from '../../../common/openapi/api-responses.decorator.js';
import { PaymentSettings } from '../gateways/payment-settings.js';
import type { PayPalEvent } from '../gateways/paypal.gateway.js';
import { PayPalGateway } from '../gateways/paypal.gateway.js';
import { StripeSignatureError } from '../gateways/stripe-signature.js';
import { StripeGateway } from '../gateways/stripe.gateway.js';
import { PayPalEvents } from './paypal-events.js';
import { StripeEvents } from './stripe-events.js';
import { type EventHandler, type InboundEvent, type Receipt, WebhookInbox } from './webhook-inbox.js';

export class WebhookReceiptDto {
  @ApiProperty({ example: true }) received: true;
  @ApiProperty({ description: 'True when this event was already processed: nothing was done again.' })
  duplicate: boolean;
}

const EVENT_BODY = { schema: { type: 'object', additionalProperties: true } };

const refusedSignature = (message: string) => new ApiError('invalid_signature', message);

function eventIds(body: unknown, type: 'type' | 'event_type'): { id: string; type: string } {
  const event = (body ?? {}) as Record<string, unknown>;
  if (typeof event.id !== 'string' || !event.id || typeof event[type] !== 'string') {
    throw ApiError.validation({ body: [`An event needs a string "id" and "${type}".`] });
  }
  return { id: event.id.slice(0, 255), type: event[type] };
}

/**
 * Payment webhooks (docs/billing.md#webhooks): public (the signature is the credential), unthrottled,
 * verified against the raw body, then stored and processed once through the inbox. Processing runs as
 * explicit system work: the event names its account, no principal does.
 */
@ApiTags('billing')
@Controller('api/v1/billing/webhooks')
@Public()
export class PaymentWebhooksController {
  private readonly logger = new Logger('PaymentWebhooks');

  constructor(
    private readonly settings: PaymentSettings,
    private readonly stripe: StripeGateway,
    private readonly paypal: PayPalGateway,
    private readonly stripeEvents: StripeEvents,
    private readonly paypalEvents: PayPalEvents,
    private readonly inbox: WebhookInbox,
    private readonly context: TenantContext,
  ) {}

  @Post('stripe')
  @HttpCode(200)
  @KeepRawBody()
  @ApiOperation({
    summary: 'Stripe webhook',
    description:
      'Verified with the `Stripe-Signature` header (HMAC-SHA256 of `<t>.<raw body>`, any `v1`, 300 s tolerance). ' +
      '400 `invalid_signature` when it does not verify; 500 when processing fails (Stripe retries).',
  })
  @ApiBody(EVENT_BODY)
  @ApiData(WebhookReceiptDto)
  async stripeWebhook(
    @RawBody() rawBody: string,
    @Body() body: unknown,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<Receipt> {
    const settings = await this.settings.stripe();
    if (!settings?.webhookSecret) {
      this.inbox.refused('stripe', null, 'not configured');
      throw refusedSignature('Stripe webhooks are not configured on this server.');
    }
    try {
      this.stripe.verify(settings, rawBody, signature);
    } catch (error) {
      if (!(error instanceof StripeSignatureError)) throw error;
      this.inbox.refused('stripe', null, error.message);
      throw refusedSignature(error.message);
    }
    const ids = eventIds(body, 'type');
    const event = body as Parameters<StripeEvents['handle']>[0];
    return this.process(
      { provider: 'stripe', eventId: ids.id, eventType: ids.type, payload: body as Record<string, unknown> },
      (tx, now) => this.stripeEvents.handle(event, settings, tx, now),
    );
  }

  @Post('paypal')
  @HttpCode(200)
  @KeepRawBody()
  @ApiOperation({
    summary: 'PayPal webhook',
    description:
      "Verified through PayPal's signature-verification call with the `PAYPAL-TRANSMISSION-*`, `PAYPAL-CERT-URL` " +
      'and `PAYPAL-AUTH-ALGO` headers and the configured webhook id; only `SUCCESS` is accepted.',
  })
  @ApiBody(EVENT_BODY)
  @ApiData(WebhookReceiptDto)
  async paypalWebhook(
    @RawBody() rawBody: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
  ): Promise<Receipt> {
    const settings = await this.settings.paypal();
    if (!settings?.webhookId) {
      this.inbox.refused('paypal', null, 'not configured');
      throw refusedSignature('PayPal webhooks are not configured on this server.');
    }
    const transmission = {
      authAlgo: headers['paypal-auth-algo'] ?? '',
      certUrl: headers['paypal-cert-url'] ?? '',
      transmissionId: headers['paypal-transmission-id'] ?? '',
      transmissionSig: headers['paypal-transmission-sig'] ?? '',
      transmissionTime: headers['paypal-transmission-time'] ?? '',
    };
    const ids = eventIds(body, 'event_type');
    if (Object.values(transmission).some((value) => value === '')) {
      this.inbox.refused('paypal', ids.id, 'missing transmission headers');
      throw refusedSignature('The PayPal transmission headers are missing.');
    }
    if (!(await this.paypal.verify(settings, rawBody, transmission))) {
      this.inbox.refused('paypal', ids.id, 'verification did not answer SUCCESS');
      throw refusedSignature('PayPal did not verify this delivery.');
    }
    const event = body as PayPalEvent;
    return this.process(
      { provider: 'paypal', eventId: ids.id, eventType: ids.type, payload: body as Record<string, unknown> },
      (tx, now) => this.paypalEvents.handle(event, settings, tx, now),
    );
  }

  /** Stores and processes the event as system work; any processing failure is a 500 (the provider retries). */
  private async process(event: InboundEvent, handler: EventHandler): Promise<Receipt> {
    try {
      return await this.context.runAsSystem(`${event.provider} webhook ${event.eventId}`, () =>
        this.inbox.receive(event, handler),
      );
    } catch (error) {
      if (error instanceof ApiError && error.status >= 500) throw error;
      this.logger.error(
        { err: error, provider: event.provider, event_id: event.eventId },
        'webhook processing failed',
      );
      throw new ApiError('internal_error');
    }
  }
}
