import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PayPalSettings } from '../gateways/payment-settings.js';
import {
  type PayPalAmount,
  type PayPalCapture,
  PayPalError,
  type PayPalLink,
} from '../gateways/paypal.client.js';
import { type PayPalEvent, PayPalGateway } from '../gateways/paypal.gateway.js';
import { idFrom, ProviderEffects, type ProviderPayment } from './provider-effects.js';
import type { EventOutcome } from './webhook-inbox.js';

type Resource = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function capturePayment(capture: PayPalCapture | Resource): ProviderPayment {
  const amount = capture.amount as PayPalAmount | undefined;
  return {
    method: 'paypal',
    externalPaymentId: String(capture.id),
    ...(amount?.value && amount.currency_code
      ? { amount: amount.value, currency: amount.currency_code }
      : {}),
    metadata: { paypal_capture: capture.id },
  };
}

/** The capture a refund belongs to: the last segment of its `up` link. */
function refundedCapture(refund: Resource): string | null {
  const up = (refund.links as PayPalLink[] | undefined)?.find((link) => link.rel === 'up')?.href;
  const match = up ? /\/captures\/([^/?#]+)/.exec(up) : null;
  return match ? decodeURIComponent(match[1]) : null;
}

/**
 * The PayPal events acted on (docs/billing.md#webhooks). Orders carry our invoice id as `custom_id`;
 * a capture pays that invoice with the capture id as the payment id, so the capture answer and the
 * `PAYMENT.CAPTURE.COMPLETED` event pay it once between them.
 */
@Injectable()
export class PayPalEvents {
  constructor(
    private readonly effects: ProviderEffects,
    private readonly gateway: PayPalGateway,
  ) {}

  handle(event: PayPalEvent, settings: PayPalSettings, tx: EntityManager, now: Date): Promise<EventOutcome> {
    const resource = event.resource ?? {};
    switch (event.event_type) {
      case 'CHECKOUT.ORDER.APPROVED':
        return this.orderApproved(resource, settings, tx, now);
      case 'PAYMENT.CAPTURE.COMPLETED':
        return this.effects.payInvoice(tx, now, resource.custom_id, capturePayment(resource));
      case 'PAYMENT.CAPTURE.REFUNDED':
        return this.captureRefunded(event, resource, tx, now);
      case 'PAYMENT.SALE.COMPLETED':
        return this.saleCompleted(resource, tx, now);
      case 'BILLING.SUBSCRIPTION.ACTIVATED':
        return this.subscriptionActivated(resource, tx);
      case 'BILLING.SUBSCRIPTION.CANCELLED':
        return this.subscriptionCancelled(event, resource, tx);
      default:
        return Promise.resolve({ outcome: 'event type not handled' });
    }
  }

  /** The payer approved an order: capture it; a completed capture pays the invoice right away. */
  private async orderApproved(
    order: Resource,
    settings: PayPalSettings,
    tx: EntityManager,
    now: Date,
  ): Promise<EventOutcome> {
    const orderId = text(order.id);
    if (!orderId) return { outcome: 'order without id' };
    let captured;
    try {
      captured = await this.gateway.client(settings).captureOrder(orderId);
    } catch (error) {
      // Captured already (by an earlier delivery or elsewhere): the capture event pays the invoice.
      if (error instanceof PayPalError && error.status === 422) return { outcome: 'order already captured' };
      throw error;
    }
    const unit = captured.purchase_units?.[0];
    const capture = unit?.payments?.captures?.[0];
    if (!capture || capture.status !== 'COMPLETED')
      return { outcome: `order captured, capture ${capture?.status ?? 'missing'}` };
    return this.effects.payInvoice(tx, now, capture.custom_id ?? unit?.custom_id, capturePayment(capture));
  }

  private async captureRefunded(
    event: PayPalEvent,
    refund: Resource,
    tx: EntityManager,
    now: Date,
  ): Promise<EventOutcome> {
    const payment = await this.effects.paymentByExternal(tx, [refundedCapture(refund)]);
    return this.effects.refund(tx, now, payment?.id ?? null, `paypal:${text(refund.id) ?? event.id}`);
  }

  /** A PayPal subscription charged a renewal (`billing_agreement_id` names the subscription). */
  private async saleCompleted(sale: Resource, tx: EntityManager, now: Date): Promise<EventOutcome> {
    const agreement = text(sale.billing_agreement_id);
    if (!agreement) return { outcome: 'not a subscription payment' };
    const subscription = await this.effects.subscription(tx, 'paypal', agreement, null);
    if (!subscription) return { outcome: 'no matching subscription' };
    const amount = sale.amount as { total?: string; currency?: string } | undefined;
    return this.effects.renew(tx, now, subscription, {
      method: 'paypal',
      externalPaymentId: String(sale.id),
      ...(amount?.total && amount.currency ? { amount: amount.total, currency: amount.currency } : {}),
      metadata: { paypal_sale: sale.id, paypal_subscription: agreement },
    });
  }

  /** Links a PayPal subscription to the account of the invoice its `custom_id` names. */
  private async subscriptionActivated(object: Resource, tx: EntityManager): Promise<EventOutcome> {
    const externalId = text(object.id);
    const accountId = await this.effects.accountOfInvoice(tx, idFrom(object.custom_id));
    const subscription = await this.effects.subscription(tx, 'paypal', externalId, accountId);
    if (!subscription) return { outcome: 'no matching subscription' };
    await this.effects.link(tx, subscription, externalId);
    return { accountId: subscription.account_id, outcome: 'subscription linked' };
  }

  private async subscriptionCancelled(
    event: PayPalEvent,
    object: Resource,
    tx: EntityManager,
  ): Promise<EventOutcome> {
    const accountId = await this.effects.accountOfInvoice(tx, idFrom(object.custom_id));
    const subscription = await this.effects.subscription(tx, 'paypal', text(object.id), accountId);
    return this.effects.canceled(tx, subscription, `paypal:${event.id}`);
  }
}
