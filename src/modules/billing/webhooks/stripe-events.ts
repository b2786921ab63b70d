import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { StripeSettings } from '../gateways/payment-settings.js';
import { type StripeEvent, StripeGateway } from '../gateways/stripe.gateway.js';
import { fromMinor, idFrom, ProviderEffects } from './provider-effects.js';
import type { EventOutcome } from './webhook-inbox.js';

type StripeObject = Record<string, unknown>;

/** An id field that may be a string or an expanded object. */
const idOf = (value: unknown): string | null =>
  typeof value === 'string'
    ? value
    : value && typeof value === 'object'
      ? idOf((value as StripeObject).id)
      : null;

const metadataOf = (value: unknown): Record<string, string> =>
  value && typeof value === 'object' ? (value as Record<string, string>) : {};

/** The subscription and its metadata a Stripe invoice belongs to (`parent.subscription_details`). */
function invoiceSubscription(invoice: StripeObject): { id: string | null; metadata: Record<string, string> } {
  const parent = invoice.parent as StripeObject | null | undefined;
  const details = parent?.subscription_details as StripeObject | null | undefined;
  return {
    id: idOf(details?.subscription) ?? idOf(invoice.subscription),
    metadata: { ...metadataOf(invoice.metadata), ...metadataOf(details?.metadata) },
  };
}

/**
 * The Stripe events acted on (docs/billing.md#webhooks). A Checkout Session and the first invoice of
 * its subscription name our invoice in `metadata.invoice_id` and share Stripe's invoice id as the
 * payment id, so whichever arrives first pays the invoice and the other finds it paid.
 */
@Injectable()
export class StripeEvents {
  constructor(
    private readonly effects: ProviderEffects,
    private readonly gateway: StripeGateway,
  ) {}

  handle(event: StripeEvent, settings: StripeSettings, tx: EntityManager, now: Date): Promise<EventOutcome> {
    const object = event.data?.object ?? {};
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
        return this.checkoutCompleted(object, tx, now);
      case 'invoice.paid':
        return this.invoicePaid(object, tx, now);
      case 'invoice.payment_failed':
        return this.invoiceFailed(object, tx);
      case 'customer.subscription.updated':
        return this.subscriptionUpdated(event, object, tx);
      case 'customer.subscription.deleted':
        return this.subscriptionDeleted(event, object, tx);
      case 'charge.refunded':
        return this.chargeRefunded(event, object, settings, tx, now);
      default:
        return Promise.resolve({ outcome: 'event type not handled' });
    }
  }

  private async checkoutCompleted(
    session: StripeObject,
    tx: EntityManager,
    now: Date,
  ): Promise<EventOutcome> {
    if (session.payment_status === 'unpaid') return { outcome: 'checkout completed, payment pending' };
    const metadata = metadataOf(session.metadata);
    const stripeInvoice = idOf(session.invoice);
    const paymentIntent = idOf(session.payment_intent);
    const subscriptionId = idOf(session.subscription);
    const outcome = await this.effects.payInvoice(tx, now, metadata.invoice_id, {
      method: 'stripe',
      externalPaymentId: stripeInvoice ?? paymentIntent ?? String(session.id),
      ...fromMinor(session.amount_total, session.currency),
      metadata: {
        stripe_checkout_session: session.id,
        ...(paymentIntent ? { stripe_payment_intent: paymentIntent } : {}),
        ...(subscriptionId ? { stripe_subscription: subscriptionId } : {}),
      },
    });
    if (subscriptionId && outcome.accountId) {
      const subscription = await this.effects.subscription(tx, 'stripe', subscriptionId, outcome.accountId);
      await this.effects.link(tx, subscription, subscriptionId);
    }
    return outcome;
  }

  /**
   * `invoice.paid`: the first invoice of a subscription our Checkout created pays our invoice (it may
   * arrive before `checkout.session.completed`); any later one is a renewal.
   */
  private async invoicePaid(invoice: StripeObject, tx: EntityManager, now: Date): Promise<EventOutcome> {
    const { id: subscriptionId, metadata } = invoiceSubscription(invoice);
    const pay = {
      method: 'stripe' as const,
      externalPaymentId: String(invoice.id),
      ...fromMinor(invoice.amount_paid, invoice.currency),
      metadata: {
        stripe_invoice: invoice.id,
        ...(subscriptionId ? { stripe_subscription: subscriptionId } : {}),
      },
    };
    if (invoice.billing_reason === 'subscription_create' || !subscriptionId) {
      const outcome = await this.effects.payInvoice(tx, now, metadata.invoice_id, pay);
      if (subscriptionId && outcome.accountId) {
        const subscription = await this.effects.subscription(tx, 'stripe', subscriptionId, outcome.accountId);
        await this.effects.link(tx, subscription, subscriptionId);
      }
      return outcome;
    }
    const subscription = await this.effects.subscription(
      tx,
      'stripe',
      subscriptionId,
      idFrom(metadata.account_id),
    );
    if (!subscription) return { outcome: 'no matching subscription' };
    await this.effects.link(tx, subscription, subscriptionId);
    return this.effects.renew(tx, now, subscription, pay);
  }

  private async invoiceFailed(invoice: StripeObject, tx: EntityManager): Promise<EventOutcome> {
    const { id: subscriptionId, metadata } = invoiceSubscription(invoice);
    if (!subscriptionId) return { outcome: 'not a subscription invoice' };
    const subscription = await this.effects.subscription(
      tx,
      'stripe',
      subscriptionId,
      idFrom(metadata.account_id),
    );
    return this.effects.pastDue(tx, subscription);
  }

  /** Mirrors cancel-at-period-end and the past-due and canceled states; payments alone activate. */
  private async subscriptionUpdated(
    event: StripeEvent,
    object: StripeObject,
    tx: EntityManager,
  ): Promise<EventOutcome> {
    const subscription = await this.ourSubscription(tx, object);
    if (!subscription) return { outcome: 'no matching subscription' };
    await this.effects.link(tx, subscription, idOf(object.id));
    if (object.status === 'canceled' || object.status === 'incomplete_expired') {
      return this.effects.canceled(tx, subscription, `stripe:${event.id}`);
    }
    if (typeof object.cancel_at_period_end === 'boolean') {
      await this.effects.cancelAtPeriodEnd(tx, subscription, object.cancel_at_period_end);
    }
    if (object.status === 'past_due' || object.status === 'unpaid')
      return this.effects.pastDue(tx, subscription);
    return { accountId: subscription.account_id, outcome: 'subscription synchronised' };
  }

  private async subscriptionDeleted(
    event: StripeEvent,
    object: StripeObject,
    tx: EntityManager,
  ): Promise<EventOutcome> {
    return this.effects.canceled(tx, await this.ourSubscription(tx, object), `stripe:${event.id}`);
  }

  /** Our subscription behind a Stripe subscription object (by its id, else its `metadata.account_id`). */
  private ourSubscription(tx: EntityManager, object: StripeObject) {
    const metadata = metadataOf(object.metadata);
    return this.effects.subscription(tx, 'stripe', idOf(object.id), idFrom(metadata.account_id));
  }

  /**
   * A fully refunded charge refunds our payment: found by its payment intent (one-off payments), the
   * charge id, or, for a subscription's invoice, through Stripe's invoice payments of that intent.
   */
  private async chargeRefunded(
    event: StripeEvent,
    charge: StripeObject,
    settings: StripeSettings,
    tx: EntityManager,
    now: Date,
  ): Promise<EventOutcome> {
    if (charge.refunded !== true) return { outcome: 'partial refund: payment unchanged' };
    const paymentIntent = idOf(charge.payment_intent);
    let payment = await this.effects.paymentByExternal(
      tx,
      [paymentIntent, idOf(charge.id)],
      'stripe_payment_intent',
    );
    if (!payment && paymentIntent) {
      const stripe = await this.gateway.client(settings);
      const list = await stripe.invoicePayments.list({
        payment: { type: 'payment_intent', payment_intent: paymentIntent },
        limit: 1,
      });
      payment = await this.effects.paymentByExternal(tx, [idOf(list.data[0]?.invoice)]);
    }
    return this.effects.refund(tx, now, payment?.id ?? null, `stripe:${event.id}`);
  }
}
