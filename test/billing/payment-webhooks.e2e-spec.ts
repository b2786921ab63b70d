import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptSecret } from '../../src/common/crypto.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { FakePayments, paypalEvent, stripeEvent, stripeSignatureHeader } from '../support/fake-payments.js';

type Body = Record<string, unknown>;

const WHSEC = 'whsec_test_secret';
const PAYPAL_WEBHOOK_ID = 'WH-ID-TEST';

describe('payment gateways and webhooks (real Stripe SDK and PayPal client against a local server)', () => {
  let t: TestApp;
  let db: DataSource;
  let fake: FakePayments;

  beforeAll(async () => {
    fake = await FakePayments.start();
    t = await createTestApp({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_gateways',
        STRIPE_WEBHOOK_SECRET: WHSEC,
        STRIPE_API_BASE: fake.url,
        PAYPAL_CLIENT_ID: fake.paypalClient.id,
        PAYPAL_CLIENT_SECRET: fake.paypalClient.secret,
        PAYPAL_WEBHOOK_ID,
        PAYPAL_API_BASE: fake.url,
      },
    });
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  let signups = 0;
  async function signUp(method: 'stripe' | 'paypal') {
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/auth/register/',
      payload: {
        email: `pay-${method}-${++signups}-${Date.now()}@example.com`,
        password: 'a-long-password-1',
        plan_slug: 'starter',
        payment_method: method,
        billing_country: 'US',
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const data = response.json<{ data: Body }>().data;
    const invoice = data.invoice as Body;
    return { data, invoiceId: invoice.id as number, accountId: invoice.account_id as number, invoice };
  }

  const stripeDeliver = (event: Body, options: { timestamp?: number; raw?: string } = {}) => {
    const raw = options.raw ?? JSON.stringify(event);
    return t.request({
      method: 'POST',
      url: '/api/v1/billing/webhooks/stripe/',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': stripeSignatureHeader(JSON.stringify(event), WHSEC, options.timestamp),
      },
      payload: raw,
    });
  };

  const paypalDeliver = (event: Body, tamper = false) => {
    const raw = JSON.stringify(event, null, 1);
    return t.request({
      method: 'POST',
      url: '/api/v1/billing/webhooks/paypal/',
      headers: fake.paypalHeaders(raw, PAYPAL_WEBHOOK_ID, tamper),
      payload: raw,
    });
  };

  const checkoutCompleted = (invoiceId: number, accountId: number, extra: Body = {}) =>
    stripeEvent('checkout.session.completed', {
      id: `cs_test_${invoiceId}`,
      object: 'checkout.session',
      mode: 'subscription',
      payment_status: 'paid',
      status: 'complete',
      amount_total: 8900,
      currency: 'usd',
      invoice: `in_first_${invoiceId}`,
      subscription: `sub_${invoiceId}`,
      customer: `cus_${invoiceId}`,
      payment_intent: null,
      metadata: { invoice_id: String(invoiceId), account_id: String(accountId) },
      ...extra,
    });

  async function state(invoiceId: number) {
    const [invoice] = await db.query<{ status: string; account_id: number }[]>(
      'SELECT status, account_id FROM igny8_invoices WHERE id = $1',
      [invoiceId],
    );
    const payments = await db.query<{ status: string; external_payment_id: string; amount: string }[]>(
      'SELECT status, external_payment_id, amount FROM igny8_payments WHERE invoice_id = $1',
      [invoiceId],
    );
    const [account] = await db.query<{ status: string; credits: number; bonus_credits: number }[]>(
      'SELECT status, credits, bonus_credits FROM igny8_accounts WHERE id = $1',
      [invoice.account_id],
    );
    const ledger = await db.query<{ transaction_type: string; amount: number }[]>(
      'SELECT transaction_type, amount FROM igny8_credit_transactions WHERE account_id = $1 ORDER BY id',
      [invoice.account_id],
    );
    const [subscription] = await db.query<{ status: string; external_subscription_id: string | null }[]>(
      "SELECT status, external_subscription_id FROM igny8_subscriptions WHERE account_id = $1 AND status <> 'canceled'",
      [invoice.account_id],
    );
    return { invoice, payments, account, ledger, subscription };
  }

  it('paid signup by card answers a Stripe Checkout Session URL created through the SDK', async () => {
    const before = fake.calls('POST', '/v1/checkout/sessions').length;
    const { data, invoiceId, accountId } = await signUp('stripe');
    const calls = fake.calls('POST', '/v1/checkout/sessions');
    expect(calls).toHaveLength(before + 1);
    const call = calls.at(-1)!;
    expect(call.headers.authorization).toBe('Bearer sk_test_gateways');
    expect(call.headers['idempotency-key']).toMatch(new RegExp(`^igny8-checkout-${invoiceId}-`));
    expect(call.form).toMatchObject({
      mode: 'subscription',
      client_reference_id: String(invoiceId),
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '8900',
      'line_items[0][price_data][recurring][interval]': 'month',
      'metadata[invoice_id]': String(invoiceId),
      'metadata[account_id]': String(accountId),
      'subscription_data[metadata][invoice_id]': String(invoiceId),
    });
    expect(data.checkout_url).toMatch(new RegExp(`^${fake.url}/checkout/cs_test_`));
    const [row] = await db.query<{ stripe_invoice_id: string; metadata: Body }[]>(
      'SELECT stripe_invoice_id, metadata FROM igny8_invoices WHERE id = $1',
      [invoiceId],
    );
    expect(row.stripe_invoice_id).toMatch(/^cs_test_/);
    expect(row.metadata.checkout_url).toBe(data.checkout_url);
  });

  it('refuses a tampered body, a wrong secret and a stale or future timestamp with 400 invalid_signature, storing nothing', async () => {
    const { invoiceId, accountId } = await signUp('stripe');
    const event = checkoutCompleted(invoiceId, accountId);
    const tampered = await stripeDeliver(event, { raw: JSON.stringify(event).replace('8900', '1') });
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json()).toMatchObject({ success: false, code: 'invalid_signature' });
    const stale = await stripeDeliver(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.statusCode).toBe(400);
    expect(stale.json()).toMatchObject({ code: 'invalid_signature' });
    // Well beyond the tolerance: the server reads its clock after this line, up to seconds later on a busy machine.
    const future = await stripeDeliver(event, { timestamp: Math.floor(Date.now() / 1000) + 330 });
    expect(future.statusCode).toBe(400);
    const wrongSecret = await t.request({
      method: 'POST',
      url: '/api/v1/billing/webhooks/stripe/',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': stripeSignatureHeader(JSON.stringify(event), 'whsec_other'),
      },
      payload: JSON.stringify(event),
    });
    expect(wrongSecret.statusCode).toBe(400);
    const unsigned = await t.request({
      method: 'POST',
      url: '/api/v1/billing/webhooks/stripe/',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(event),
    });
    expect(unsigned.statusCode).toBe(400);
    const stored = await db.query('SELECT 1 FROM igny8_webhook_events WHERE event_id = $1', [event.id]);
    expect(stored).toHaveLength(0);
    expect((await state(invoiceId)).invoice.status).toBe('pending');
  });

  it('checkout.session.completed pays the invoice once; a duplicate delivery answers 200 duplicate with no second effect', async () => {
    const { invoiceId, accountId } = await signUp('stripe');
    const event = checkoutCompleted(invoiceId, accountId);
    const first = await stripeDeliver(event);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ success: true, data: { received: true, duplicate: false } });
    const paid = await state(invoiceId);
    expect(paid.invoice.status).toBe('paid');
    expect(paid.account.status).toBe('active');
    expect(paid.payments).toEqual([
      { status: 'succeeded', external_payment_id: `in_first_${invoiceId}`, amount: '89.00' },
    ]);
    expect(paid.subscription).toMatchObject({
      status: 'active',
      external_subscription_id: `sub_${invoiceId}`,
    });

    const again = await stripeDeliver(event);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ data: { received: true, duplicate: true } });
    expect(await state(invoiceId)).toEqual(paid);
    const [row] = await db.query<{ processed: boolean; attempts: number; account_id: number }[]>(
      "SELECT processed, attempts, account_id FROM igny8_webhook_events WHERE provider = 'stripe' AND event_id = $1",
      [event.id],
    );
    expect({ ...row, account_id: Number(row.account_id) }).toEqual({
      processed: true,
      attempts: 1,
      account_id: accountId,
    });
  });

  it('20 concurrent deliveries of one event have exactly one effect', async () => {
    const { invoiceId, accountId } = await signUp('stripe');
    const event = checkoutCompleted(invoiceId, accountId);
    const responses = await Promise.all(Array.from({ length: 20 }, () => stripeDeliver(event)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    const fresh = responses.filter((r) => r.json<{ data: Body }>().data.duplicate === false);
    expect(fresh).toHaveLength(1);
    const after = await state(invoiceId);
    expect(after.invoice.status).toBe('paid');
    expect(after.payments).toHaveLength(1);
    expect(after.ledger.filter((l) => l.transaction_type === 'subscription')).toHaveLength(1);
  });

  it('invoice.paid before checkout.session.completed ends in one paid invoice, one payment, one credit grant', async () => {
    const { invoiceId, accountId } = await signUp('stripe');
    const invoicePaid = stripeEvent('invoice.paid', {
      id: `in_first_${invoiceId}`,
      object: 'invoice',
      billing_reason: 'subscription_create',
      amount_paid: 8900,
      currency: 'usd',
      metadata: {},
      parent: {
        type: 'subscription_details',
        subscription_details: {
          subscription: `sub_${invoiceId}`,
          metadata: { invoice_id: String(invoiceId), account_id: String(accountId) },
        },
      },
    });
    expect((await stripeDeliver(invoicePaid)).statusCode).toBe(200);
    const early = await state(invoiceId);
    expect(early.invoice.status).toBe('paid');
    const late = await stripeDeliver(checkoutCompleted(invoiceId, accountId));
    expect(late.statusCode).toBe(200);
    expect(late.json()).toMatchObject({ data: { duplicate: false } });
    const after = await state(invoiceId);
    expect(after.payments).toHaveLength(1);
    expect(after.payments[0].external_payment_id).toBe(`in_first_${invoiceId}`);
    expect(after.ledger.filter((l) => l.transaction_type === 'subscription')).toHaveLength(1);
    expect(after.account.credits).toBe(early.account.credits);
    expect(after.subscription).toMatchObject({
      status: 'active',
      external_subscription_id: `sub_${invoiceId}`,
    });

    // A later invoice of that subscription is a renewal: paid on a new invoice; a failure sets past_due.
    const renewal = stripeEvent('invoice.paid', {
      id: `in_renewal_${invoiceId}`,
      object: 'invoice',
      billing_reason: 'subscription_cycle',
      amount_paid: 8900,
      currency: 'usd',
      parent: { subscription_details: { subscription: `sub_${invoiceId}`, metadata: {} } },
    });
    expect((await stripeDeliver(renewal)).statusCode).toBe(200);
    expect((await stripeDeliver(renewal)).json()).toMatchObject({ data: { duplicate: true } });
    const invoices = await db.query<{ status: string; metadata: Body }[]>(
      'SELECT status, metadata FROM igny8_invoices WHERE account_id = $1 ORDER BY id',
      [accountId],
    );
    expect(invoices).toHaveLength(2);
    expect(invoices[1].status).toBe('paid');
    expect(invoices[1].metadata.renewal_for_period_end).toBeTruthy();
    const failed = stripeEvent('invoice.payment_failed', {
      id: `in_failed_${invoiceId}`,
      object: 'invoice',
      billing_reason: 'subscription_cycle',
      parent: { subscription_details: { subscription: `sub_${invoiceId}`, metadata: {} } },
    });
    expect((await stripeDeliver(failed)).statusCode).toBe(200);
    expect((await state(invoiceId)).subscription.status).toBe('past_due');
  });

  it('charge.refunded refunds the payment once and takes its credits back', async () => {
    const { invoiceId, accountId } = await signUp('stripe');
    await stripeDeliver(
      checkoutCompleted(invoiceId, accountId, {
        mode: 'payment',
        invoice: null,
        subscription: null,
        payment_intent: `pi_${invoiceId}`,
      }),
    );
    const paid = await state(invoiceId);
    expect(paid.payments[0]).toMatchObject({ status: 'succeeded', external_payment_id: `pi_${invoiceId}` });
    expect(paid.account.credits).toBeGreaterThan(0);
    const refund = stripeEvent('charge.refunded', {
      id: `ch_${invoiceId}`,
      object: 'charge',
      amount: 8900,
      amount_refunded: 8900,
      refunded: true,
      payment_intent: `pi_${invoiceId}`,
    });
    expect((await stripeDeliver(refund)).statusCode).toBe(200);
    const refunded = await state(invoiceId);
    expect(refunded.payments[0].status).toBe('refunded');
    expect(refunded.account.credits).toBe(0);
    expect(refunded.ledger.filter((l) => l.transaction_type === 'refund')).toEqual([
      { transaction_type: 'refund', amount: -paid.account.credits },
    ]);
    // The same refund told again under another event id changes nothing either.
    expect((await stripeDeliver({ ...refund, id: `${refund.id}_again` })).statusCode).toBe(200);
    expect(await state(invoiceId)).toEqual(refunded);
  });

  it('a subscription invoice refunded by charge is found through Stripe invoice payments', async () => {
    const { invoiceId, accountId } = await signUp('stripe');
    await stripeDeliver(checkoutCompleted(invoiceId, accountId));
    fake.invoicePayments.set(`pi_sub_${invoiceId}`, `in_first_${invoiceId}`);
    const refund = stripeEvent('charge.refunded', {
      id: `ch_sub_${invoiceId}`,
      object: 'charge',
      refunded: true,
      payment_intent: `pi_sub_${invoiceId}`,
    });
    expect((await stripeDeliver(refund)).statusCode).toBe(200);
    expect((await state(invoiceId)).payments[0].status).toBe('refunded');
    expect(fake.calls('GET', '/v1/invoice_payments').at(-1)?.form['payment[payment_intent]']).toBe(
      `pi_sub_${invoiceId}`,
    );
  });

  it('customer.subscription.deleted cancels; unknown event types are stored and marked processed', async () => {
    const { invoiceId, accountId } = await signUp('stripe');
    await stripeDeliver(checkoutCompleted(invoiceId, accountId));
    const deleted = stripeEvent('customer.subscription.deleted', {
      id: `sub_${invoiceId}`,
      object: 'subscription',
      status: 'canceled',
      metadata: {},
    });
    expect((await stripeDeliver(deleted)).statusCode).toBe(200);
    const [account] = await db.query<{ status: string; credits: number }[]>(
      'SELECT status, credits FROM igny8_accounts WHERE id = $1',
      [accountId],
    );
    expect(account).toEqual({ status: 'cancelled', credits: 0 });

    const unknown = stripeEvent('customer.created', { id: 'cus_unknown', object: 'customer' });
    const response = await stripeDeliver(unknown);
    expect(response.statusCode).toBe(200);
    const [row] = await db.query<{ processed: boolean; event_type: string }[]>(
      "SELECT processed, event_type FROM igny8_webhook_events WHERE provider = 'stripe' AND event_id = $1",
      [unknown.id],
    );
    expect(row).toEqual({ processed: true, event_type: 'customer.created' });
  });

  it('a Stripe outage at signup answers checkout_url null with a message, not an error', async () => {
    fake.stripeFailure = 500;
    try {
      const { data } = await signUp('stripe');
      expect(data.checkout_url).toBeNull();
    } finally {
      fake.stripeFailure = null;
    }
  });

  it('PayPal: order at signup, approval captured once, capture event without a second effect, verification, refund', async () => {
    const { data, invoiceId, accountId } = await signUp('paypal');
    expect(data.checkout_url).toMatch(new RegExp(`^${fake.url}/checkoutnow\\?token=`));
    const orderId = new URL(String(data.checkout_url)).searchParams.get('token')!;
    const order = fake.orders.get(orderId)!;
    expect(order).toMatchObject({
      custom_id: String(invoiceId),
      amount: { currency_code: 'USD', value: '89.00' },
    });
    expect(fake.calls('POST', '/v1/oauth2/token').length).toBeGreaterThan(0);

    const approved = paypalEvent('CHECKOUT.ORDER.APPROVED', {
      id: orderId,
      status: 'APPROVED',
      purchase_units: [{ custom_id: String(invoiceId) }],
    });
    const forged = await paypalDeliver(approved, true);
    expect(forged.statusCode).toBe(400);
    expect(forged.json()).toMatchObject({ code: 'invalid_signature' });
    expect(fake.calls('POST', `/v2/checkout/orders/${orderId}/capture`)).toHaveLength(0);

    const ok = await paypalDeliver(approved);
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await paypalDeliver(approved)).json()).toMatchObject({ data: { duplicate: true } });
    expect(fake.calls('POST', `/v2/checkout/orders/${orderId}/capture`)).toHaveLength(1);
    const paid = await state(invoiceId);
    expect(paid.invoice.status).toBe('paid');
    expect(paid.account.status).toBe('active');
    expect(paid.payments).toEqual([
      { status: 'succeeded', external_payment_id: order.captureId, amount: '89.00' },
    ]);

    const capture = fake.capturedOrder(order).purchase_units[0].payments.captures[0];
    const completed = await paypalDeliver(paypalEvent('PAYMENT.CAPTURE.COMPLETED', capture));
    expect(completed.statusCode).toBe(200);
    expect(await state(invoiceId)).toEqual(paid);

    const refunded = paypalEvent('PAYMENT.CAPTURE.REFUNDED', {
      id: `REFUND-${orderId}`,
      status: 'COMPLETED',
      amount: { currency_code: 'USD', value: '89.00' },
      links: [{ rel: 'up', href: `${fake.url}/v2/payments/captures/${order.captureId}`, method: 'GET' }],
    });
    expect((await paypalDeliver(refunded)).statusCode).toBe(200);
    const after = await state(invoiceId);
    expect(after.payments[0].status).toBe('refunded');
    expect(after.ledger.filter((l) => l.transaction_type === 'refund')).toHaveLength(1);
    expect(accountId).toBe(after.invoice.account_id);
  });

  it('a processing failure answers 500 and leaves the event stored unprocessed; the retry processes it', async () => {
    const { invoiceId, accountId } = await signUp('stripe');
    await stripeDeliver(checkoutCompleted(invoiceId, accountId));
    fake.invoicePayments.set(`pi_retry_${invoiceId}`, `in_first_${invoiceId}`);
    const refund = stripeEvent('charge.refunded', {
      id: `ch_retry_${invoiceId}`,
      object: 'charge',
      refunded: true,
      payment_intent: `pi_retry_${invoiceId}`,
    });
    fake.stripeFailure = 500;
    let failed;
    try {
      failed = await stripeDeliver(refund);
    } finally {
      fake.stripeFailure = null;
    }
    expect(failed.statusCode).toBe(500);
    const event = () =>
      db.query<{ processed: boolean; attempts: number; processing_error: string | null }[]>(
        "SELECT processed, attempts, processing_error FROM igny8_webhook_events WHERE provider = 'stripe' AND event_id = $1",
        [refund.id],
      );
    const [stored] = await event();
    expect(stored.processed).toBe(false);
    expect(stored.attempts).toBe(1);
    expect(stored.processing_error).toBeTruthy();
    expect((await state(invoiceId)).payments[0].status).toBe('succeeded');

    const retried = await stripeDeliver(refund);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ data: { duplicate: false } });
    expect(await event()).toEqual([{ processed: true, attempts: 2, processing_error: null }]);
    expect((await state(invoiceId)).payments[0].status).toBe('refunded');
  });

  it('the active stripe integration provider row wins over the environment (key and API base)', async () => {
    const key = t.config.encryptionKey;
    await db.query(
      `INSERT INTO igny8_integration_providers (provider_id, display_name, provider_type, api_key, api_endpoint, is_active)
       VALUES ('stripe', 'Stripe', 'payment', $1, $2, true)
       ON CONFLICT (provider_id) DO UPDATE SET api_key = EXCLUDED.api_key, api_endpoint = EXCLUDED.api_endpoint, is_active = true`,
      [encryptSecret('sk_test_from_row', key), `${fake.url}/`],
    );
    try {
      await signUp('stripe');
      expect(fake.calls('POST', '/v1/checkout/sessions').at(-1)?.headers.authorization).toBe(
        'Bearer sk_test_from_row',
      );
    } finally {
      await db.query("UPDATE igny8_integration_providers SET is_active = false WHERE provider_id = 'stripe'");
    }
    await signUp('stripe');
    expect(fake.calls('POST', '/v1/checkout/sessions').at(-1)?.headers.authorization).toBe(
      'Bearer sk_test_gateways',
    );
  });

  it('PayPal subscriptions: activation links, a sale renews once on a new invoice, cancellation cancels', async () => {
    const { invoiceId, accountId } = await signUp('paypal');
    const capture = paypalEvent('PAYMENT.CAPTURE.COMPLETED', {
      id: `CAP-${invoiceId}`,
      status: 'COMPLETED',
      custom_id: String(invoiceId),
      amount: { currency_code: 'USD', value: '89.00' },
    });
    expect((await paypalDeliver(capture)).statusCode).toBe(200);
    expect((await state(invoiceId)).invoice.status).toBe('paid');

    const activated = paypalEvent('BILLING.SUBSCRIPTION.ACTIVATED', {
      id: `I-${invoiceId}`,
      status: 'ACTIVE',
      custom_id: String(invoiceId),
    });
    expect((await paypalDeliver(activated)).statusCode).toBe(200);
    expect((await state(invoiceId)).subscription.external_subscription_id).toBe(`I-${invoiceId}`);

    const sale = paypalEvent('PAYMENT.SALE.COMPLETED', {
      id: `SALE-${invoiceId}`,
      state: 'completed',
      billing_agreement_id: `I-${invoiceId}`,
      amount: { total: '89.00', currency: 'USD' },
    });
    expect((await paypalDeliver(sale)).statusCode).toBe(200);
    // The same sale under another event id (PayPal resends with new ids) is not paid twice.
    expect((await paypalDeliver({ ...sale, id: `${sale.id}-again` })).statusCode).toBe(200);
    const invoices = await db.query<{ status: string; total: string }[]>(
      'SELECT status, total FROM igny8_invoices WHERE account_id = $1 ORDER BY id',
      [accountId],
    );
    expect(invoices).toEqual([
      { status: 'paid', total: '89.00' },
      { status: 'paid', total: '89.00' },
    ]);

    const cancelled = paypalEvent('BILLING.SUBSCRIPTION.CANCELLED', {
      id: `I-${invoiceId}`,
      status: 'CANCELLED',
    });
    expect((await paypalDeliver(cancelled)).statusCode).toBe(200);
    const [row] = await db.query<{ status: string }[]>(
      'SELECT status FROM igny8_subscriptions WHERE account_id = $1 ORDER BY id DESC LIMIT 1',
      [accountId],
    );
    expect(row.status).toBe('canceled');
    expect((await state(invoiceId)).account.status).toBe('cancelled');
  });
});
