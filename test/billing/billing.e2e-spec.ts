import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceIssuer } from '../../src/modules/billing/invoice-issuer.js';
import { InvoicePayments } from '../../src/modules/billing/invoice-payments.service.js';
import type { Invoice } from '../../src/modules/billing/entities/invoice.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { runAsPrincipal, seedTenant, type SeededTenant } from '../support/tenants.js';
import { seedDeveloper } from '../users/support.js';

type Headers = Record<string, string>;
type Body = Record<string, unknown>;

interface Response {
  status: number;
  body: Body;
}

describe('billing: invoices, payments, manual approvals, payment methods, admin', () => {
  let t: TestApp;
  let db: DataSource;
  let a: SeededTenant;
  let b: SeededTenant;
  let dev: Awaited<ReturnType<typeof seedDeveloper>>;

  const call = async (method: string, url: string, headers: Headers, payload?: Body): Promise<Response> => {
    const response = await t.request({
      method: method,
      url: `/api/v1/${url}`,
      headers,
      ...(payload ? { payload } : {}),
    });
    const text = response.body;
    return {
      status: response.statusCode,
      body: text.startsWith('{') ? response.json<Body>() : { raw: text },
    };
  };
  const data = (response: Response) => response.body.data as Body;

  /** A pending invoice for `tenant`, issued through the service as the tenant's owner. */
  async function issue(tenant: SeededTenant, type: 'subscription' | 'credit_package', extra: Body = {}) {
    const [plan] = await db.query<{ id: number }[]>(`SELECT id FROM igny8_plans WHERE slug = 'growth'`);
    const [pack] = await db.query<{ id: number }[]>(
      `SELECT id FROM igny8_credit_packages WHERE slug = 'credits-500'`,
    );
    return runAsPrincipal(t.app, 'owner')({ accountId: tenant.accountId }, () =>
      db.transaction((tx) =>
        t.app.get(InvoiceIssuer).issue(tx, {
          accountId: tenant.accountId,
          type,
          planId: type === 'subscription' ? plan.id : null,
          creditPackageId: type === 'credit_package' ? pack.id : null,
          lines:
            type === 'subscription'
              ? [{ description: 'Growth plan, 1 month', unit_price: '139.00', credits: 2000 }]
              : [{ description: '500 credits', unit_price: '50.00', credits: 500 }],
          ...extra,
        }),
      ),
    );
  }

  async function pools(accountId: number) {
    const [row] = await db.query<{ credits: number; bonus_credits: number; status: string; plan: string }[]>(
      `SELECT a.credits, a.bonus_credits, a.status, p.slug AS plan
         FROM igny8_accounts a JOIN igny8_plans p ON p.id = a.plan_id WHERE a.id = $1`,
      [accountId],
    );
    return row;
  }

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    a = await seedTenant(t.app, { sites: 1, plan: 'starter' });
    b = await seedTenant(t.app, { sites: 1, plan: 'starter' });
    dev = await seedDeveloper(t);
    // Manual payments need a method the billing country offers: bank transfer in Pakistan (seeded).
    await db.query(`UPDATE igny8_accounts SET billing_country = 'PK' WHERE id = ANY($1)`, [
      [a.accountId, b.accountId],
    ]);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('numbers invoices INV-{account}-{YYYYMM}-{seq} without gaps or clashes under concurrency', async () => {
    const fresh = await seedTenant(t.app, { sites: 0 });
    const invoices = await Promise.all(Array.from({ length: 12 }, () => issue(fresh, 'credit_package')));
    const numbers = invoices.map((invoice) => invoice.invoice_number).sort();
    const now = new Date();
    const month = `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(numbers).toEqual(
      Array.from(
        { length: 12 },
        (_, i) => `INV-${fresh.accountId}-${month}-${String(i + 1).padStart(4, '0')}`,
      ),
    );
  });

  it('serialises money as exact decimal strings (0.10 × 3 + 0.20 is 0.50)', async () => {
    const invoice = await runAsPrincipal(t.app, 'owner')({ accountId: a.accountId }, () =>
      db.transaction((tx) =>
        t.app.get(InvoiceIssuer).issue(tx, {
          accountId: a.accountId,
          type: 'custom',
          lines: [
            { description: 'Ten cents', unit_price: '0.10', quantity: 3 },
            { description: 'Twenty cents', unit_price: '0.2' },
          ],
        }),
      ),
    );
    const detail = data(await call('GET', `billing/invoices/${invoice.id}/`, a.users.admin.auth));
    expect(detail).toMatchObject({ subtotal: '0.50', tax: '0.00', total: '0.50', currency: 'USD' });
    expect(detail.line_items).toEqual([
      { description: 'Ten cents', quantity: 3, unit_price: '0.10', amount: '0.30', credits: 0 },
      { description: 'Twenty cents', quantity: 1, unit_price: '0.20', amount: '0.20', credits: 0 },
    ]);
  });

  it('keeps invoices, payments and payment methods inside their account (404 across accounts)', async () => {
    const invoice = await issue(a, 'credit_package');
    const submitted = await call('POST', 'billing/payments/manual/', a.users.admin.auth, {
      invoice_id: invoice.id,
      payment_method: 'bank_transfer',
      transaction_reference: 'REF-ISO',
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const method = await call('POST', 'billing/payment-methods/', a.users.admin.auth, {
      type: 'stripe',
      display_name: 'Visa ending 4242',
      metadata: { brand: 'visa', last4: '4242' },
    });
    expect(method.status).toBe(201);
    const paymentId = data(submitted).id as number;
    const methodId = data(method).id as number;

    for (const url of [
      `billing/invoices/${invoice.id}/`,
      `billing/invoices/${invoice.id}/download_pdf/`,
      `billing/payments/${paymentId}/`,
      `billing/payment-methods/${methodId}/`,
    ]) {
      expect((await call('GET', url, b.users.admin.auth)).status, url).toBe(404);
      expect((await call('GET', url, a.users.admin.auth)).status, url).toBe(200);
    }
    expect(
      (await call('PATCH', `billing/payment-methods/${methodId}/`, b.users.admin.auth, { display_name: 'x' }))
        .status,
    ).toBe(404);
    expect((await call('DELETE', `billing/payment-methods/${methodId}/`, b.users.admin.auth)).status).toBe(
      404,
    );
    expect(
      (await call('POST', `billing/payment-methods/${methodId}/set_default/`, b.users.admin.auth)).status,
    ).toBe(404);
    const foreignSubmit = await call('POST', 'billing/payments/manual/', b.users.admin.auth, {
      invoice_id: invoice.id,
      payment_method: 'bank_transfer',
      transaction_reference: 'REF-X',
    });
    expect(foreignSubmit.status).toBe(400);
    expect(foreignSubmit.body.errors).toHaveProperty('invoice_id');

    const bList = await call('GET', 'billing/invoices/', b.users.admin.auth);
    expect((bList.body.results as Body[]).map((row) => row.account_id)).not.toContain(a.accountId);
    const bPayments = await call('GET', 'billing/payments/', b.users.admin.auth);
    expect((bPayments.body.results as Body[]).some((row) => row.id === paymentId)).toBe(false);
    // A developer's own billing routes show the developer's account, not this one.
    expect((await call('GET', `billing/invoices/${invoice.id}/`, dev.auth)).status).toBe(404);
    // Editors and viewers cannot read invoices.
    expect((await call('GET', 'billing/invoices/', a.users.viewer.auth)).status).toBe(403);
  });

  it('manual payment: approve pays the invoice once; approving twice answers 409 with one grant', async () => {
    const tenant = await seedTenant(t.app, { sites: 0, plan: 'starter' });
    await db.query(
      `UPDATE igny8_accounts SET status = 'pending_payment', credits = 0, billing_country = 'PK' WHERE id = $1`,
      [tenant.accountId],
    );
    const invoice = await issue(tenant, 'subscription', { metadata: { period_months: 1 } });
    const submitted = await call('POST', 'billing/payments/manual/', tenant.users.admin.auth, {
      invoice_id: invoice.id,
      payment_method: 'bank_transfer',
      transaction_reference: 'TRX-1',
      proof_url: 'https://example.com/proof.png',
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(data(submitted)).toMatchObject({ status: 'pending_approval', amount: '139.00' });
    const paymentId = data(submitted).id as number;

    const again = await call('POST', 'billing/payments/manual/', tenant.users.admin.auth, {
      invoice_id: invoice.id,
      payment_method: 'bank_transfer',
      transaction_reference: 'TRX-2',
    });
    expect(again.status).toBe(409);

    // Only developers approve: the account's owner gets 403 on both paths (while the account is
    // pending_payment the account gate answers 402 first).
    expect(
      (await call('POST', `admin/billing/payments/${paymentId}/approve/`, tenant.users.owner.auth, {}))
        .status,
    ).toBe(402);
    await db.query(`UPDATE igny8_accounts SET status = 'active' WHERE id = $1`, [tenant.accountId]);
    for (const prefix of ['admin/billing', 'billing/admin']) {
      const own = await call('POST', `${prefix}/payments/${paymentId}/approve/`, tenant.users.owner.auth, {});
      expect(own.status).toBe(403);
    }
    await db.query(`UPDATE igny8_accounts SET status = 'pending_payment' WHERE id = $1`, [tenant.accountId]);
    const pending = await call('GET', 'admin/billing/pending_payments/', dev.auth);
    const row = (pending.body.results as Body[]).find((item) => item.id === paymentId);
    expect(row).toMatchObject({ invoice_number: invoice.invoice_number, account_name: expect.any(String) });

    const results = await Promise.all([
      call('POST', `admin/billing/payments/${paymentId}/approve/`, dev.auth, { notes: 'seen on statement' }),
      call('POST', `billing/admin/payments/${paymentId}/approve/`, dev.auth, {}),
    ]);
    const statuses = results.map((result) => result.status).sort();
    expect(statuses).toEqual([200, 409]);
    const ok = results.find((result) => result.status === 200)!;
    expect(data(ok)).toMatchObject({
      payment: { status: 'succeeded', approved_by: dev.id },
      invoice: { status: 'paid' },
    });
    expect((await call('POST', `admin/billing/payments/${paymentId}/approve/`, dev.auth, {})).status).toBe(
      409,
    );

    expect(await pools(tenant.accountId)).toMatchObject({ credits: 2000, status: 'active', plan: 'growth' });
    const ledger = await db.query(
      `SELECT transaction_type, plan_amount FROM igny8_credit_transactions WHERE account_id = $1`,
      [tenant.accountId],
    );
    expect(ledger).toEqual([{ transaction_type: 'subscription', plan_amount: 2000 }]);
    const [subscription] = await db.query<{ status: string; months: number }[]>(
      `SELECT status, (extract(month FROM age(current_period_end, current_period_start)))::int AS months
         FROM igny8_subscriptions WHERE account_id = $1 AND status <> 'canceled'`,
      [tenant.accountId],
    );
    expect(subscription).toEqual({ status: 'active', months: 1 });
    const events = await db.query<{ event_id: string; event_type: string }[]>(
      `SELECT event_id, event_type FROM igny8_webhook_events WHERE provider = 'manual' AND account_id = $1 ORDER BY id`,
      [tenant.accountId],
    );
    expect(events).toEqual([
      { event_id: `manual-payment-${paymentId}-submitted`, event_type: 'payment.submitted' },
      { event_id: `manual-payment-${paymentId}-confirmed`, event_type: 'payment.confirmed' },
    ]);
    const paidAgain = await call('POST', 'billing/payments/manual/', tenant.users.admin.auth, {
      invoice_id: invoice.id,
      payment_method: 'bank_transfer',
      transaction_reference: 'TRX-3',
    });
    expect(paidAgain.body.code).toBe('invoice_already_paid');
  });

  it('reject leaves the invoice pending; reject twice answers 409', async () => {
    const invoice = await issue(b, 'credit_package');
    const submitted = await call('POST', 'billing/payments/manual/', b.users.admin.auth, {
      invoice_id: invoice.id,
      payment_method: 'bank_transfer',
      transaction_reference: 'NOPE',
    });
    const id = data(submitted).id as number;
    const rejected = await call('POST', `billing/admin/payments/${id}/reject/`, dev.auth, {
      reason: 'Not received',
    });
    expect(data(rejected)).toMatchObject({ status: 'failed', rejected_reason: 'Not received' });
    expect(
      (await call('POST', `admin/billing/payments/${id}/reject/`, dev.auth, { reason: 'again' })).status,
    ).toBe(409);
    expect(data(await call('GET', `billing/invoices/${invoice.id}/`, b.users.admin.auth)).status).toBe(
      'pending',
    );
  });

  it('20 concurrent settles of one invoice apply its effects once', async () => {
    const tenant = await seedTenant(t.app, { sites: 0, plan: 'starter' });
    await db.query(`UPDATE igny8_accounts SET credits = 0, bonus_credits = 7 WHERE id = $1`, [
      tenant.accountId,
    ]);
    const invoice = await issue(tenant, 'credit_package');
    const payments = t.app.get(InvoicePayments);
    const system = runAsPrincipal(t.app, 'developer');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        system({ accountId: dev.accountId, bypassTenant: true }, () =>
          payments.settle(invoice.id, { method: 'stripe', externalPaymentId: `pi_test_${i}` }),
        ),
      ),
    );
    expect(results.filter((result) => result.applied)).toHaveLength(1);
    expect(await pools(tenant.accountId)).toMatchObject({ bonus_credits: 507 });
    const [counts] = await db.query<{ payments: number; entries: number }[]>(
      `SELECT (SELECT count(*)::int FROM igny8_payments WHERE invoice_id = $1 AND status = 'succeeded') AS payments,
              (SELECT count(*)::int FROM igny8_credit_transactions WHERE account_id = $2) AS entries`,
      [invoice.id, tenant.accountId],
    );
    expect(counts).toEqual({ payments: 1, entries: 1 });

    // The same provider payment delivered again: no second effect.
    const replay = await system({ accountId: dev.accountId, bypassTenant: true }, () =>
      payments.settle(invoice.id, { method: 'stripe', externalPaymentId: 'pi_test_0' }),
    );
    expect(replay.applied).toBe(false);

    // Refund takes the package credits back from the bonus pool, once.
    const paid = results.find((result) => result.applied)!.payment!;
    const refund = () =>
      system({ accountId: dev.accountId, bypassTenant: true }, () =>
        payments.refund({ paymentId: paid.id, referenceId: `re_${paid.id}` }),
      );
    expect(await refund()).toMatchObject({ applied: true, credits: 500 });
    expect(await refund()).toMatchObject({ applied: false, credits: 0 });
    expect(await pools(tenant.accountId)).toMatchObject({ bonus_credits: 7 });
  });

  it('renders the invoice PDF with seller, lines, totals, currency and status', async () => {
    const invoice: Invoice = await issue(a, 'subscription');
    const response = await t.request({
      method: 'GET',
      url: `/api/v1/billing/invoices/${invoice.id}/download_pdf/`,
      headers: a.users.admin.auth,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/pdf');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="${invoice.invoice_number}.pdf"`,
    );
    const pdf = await getDocument({ data: new Uint8Array(response.rawPayload), useSystemFonts: false })
      .promise;
    const page = await pdf.getPage(1);
    const text = (await page.getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(' ');
    for (const expected of [
      'INVOICE',
      invoice.invoice_number,
      'Status: PENDING',
      'igny8',
      'Growth plan, 1 month',
      '139.00',
      'Subtotal',
      'Total',
      '139.00 USD',
      '2000 credits',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('payment methods: create, set_default keeps one default, refuses full card numbers', async () => {
    const first = data(
      await call('POST', 'billing/payment-methods/', b.users.admin.auth, {
        type: 'paypal',
        display_name: 'PayPal',
      }),
    );
    const second = data(
      await call('POST', 'billing/payment-methods/', b.users.admin.auth, {
        type: 'stripe',
        display_name: 'Card',
      }),
    );
    await call('POST', `billing/payment-methods/${first.id as number}/set_default/`, b.users.admin.auth);
    const made = await call(
      'POST',
      `billing/payment-methods/${second.id as number}/set_default/`,
      b.users.admin.auth,
    );
    expect(data(made).is_default).toBe(true);
    const defaults = await db.query(
      'SELECT id FROM igny8_account_payment_methods WHERE account_id = $1 AND is_default',
      [b.accountId],
    );
    expect(defaults).toEqual([{ id: second.id }]);
    const leaky = await call('POST', 'billing/payment-methods/', b.users.admin.auth, {
      type: 'stripe',
      display_name: 'Card',
      metadata: { card_number: '4242424242424242' },
    });
    expect(leaky.status).toBe(400);
    expect(
      (
        await call('POST', 'billing/payment-methods/', b.users.editor.auth, {
          type: 'stripe',
          display_name: 'x',
        })
      ).status,
    ).toBe(403);
  });

  it('available payment methods come from the per-country config rows', async () => {
    const methods = (country: string) =>
      call('GET', `billing/payment-configs/payment-methods/?country=${country}`, {}).then((response) =>
        (response.body.data as Body[]).map((row) => row.payment_method),
      );
    expect(await methods('PK')).toEqual(['stripe', 'bank_transfer']);
    expect(await methods('DE')).toEqual(['stripe', 'paypal']);
    await db.query(
      `INSERT INTO igny8_payment_method_configs (country_code, payment_method, display_name, details, sort_order)
       VALUES ('NG', 'bank_transfer', 'Bank transfer', '{"bank_name": "Test Bank"}', 5)`,
    );
    expect(await methods('NG')).toEqual(['stripe', 'paypal', 'bank_transfer']);
    const own = await call('GET', 'billing/payment-methods/available/?country=ng', a.users.viewer.auth);
    expect((own.body.data as Body[]).find((row) => row.payment_method === 'bank_transfer')).toMatchObject({
      details: { bank_name: 'Test Bank' },
    });
  });

  it('paid signup by bank transfer answers the country instructions; the developer confirms the transfer', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/v1/auth/register/',
      payload: {
        email: `bank-${Date.now()}@example.com`,
        password: 'a-long-password-1',
        plan_slug: 'starter',
        payment_method: 'bank_transfer',
        billing_country: 'PK',
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json<{ data: Body }>().data;
    expect(body.checkout_url).toBeNull();
    expect(body.payment_instructions).toMatchObject({ display_name: 'Bank transfer' });
    expect((body.payment_instructions as Body).instructions).toContain('transaction reference');
    const invoice = body.invoice as Body;
    expect(invoice).toMatchObject({ status: 'pending', total: '89.00', payment_method: 'bank_transfer' });
    const accountId = invoice.account_id as number;

    const confirm = (external: string) =>
      call('POST', 'admin/billing/bank-transfers/confirm/', dev.auth, {
        account_id: accountId,
        external_payment_id: external,
        amount: '89.00',
        payer_name: 'A. Payer',
      });
    const confirmed = await confirm('BANK-REF-1');
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
    expect(data(confirmed)).toMatchObject({
      payment: { status: 'succeeded', amount: '89.00', payment_method: 'bank_transfer' },
      invoice: { id: invoice.id, status: 'paid' },
    });
    expect((await confirm('BANK-REF-1')).status).toBe(409);
    expect(await pools(accountId)).toMatchObject({ credits: 1000, status: 'active', plan: 'starter' });
  });

  it('credit packages: purchase issues an invoice; a plan without top-ups is refused', async () => {
    const packages = await call('GET', 'billing/credit-packages/', a.users.viewer.auth);
    const list = packages.body.data as Body[];
    expect(list.map((row) => row.slug)).toEqual(['credits-500', 'credits-1000', 'credits-2500']);
    const bought = await call(
      'POST',
      `billing/credit-packages/${list[0].id as number}/purchase/`,
      a.users.admin.auth,
      {
        payment_method: 'stripe',
      },
    );
    expect(bought.status, JSON.stringify(bought.body)).toBe(201);
    expect(data(bought)).toMatchObject({
      invoice: { invoice_type: 'credit_package', total: '50.00', status: 'pending' },
      next_action: {
        type: 'redirect',
        checkout_url: null,
        message: expect.stringContaining('not configured'),
      },
    });
    await db.query(
      `UPDATE igny8_plans SET allow_credit_topup = false WHERE id = (SELECT plan_id FROM igny8_accounts WHERE id = $1)`,
      [a.accountId],
    );
    try {
      const refused = await call(
        'POST',
        `billing/credit-packages/${list[0].id as number}/purchase/`,
        a.users.admin.auth,
        {
          payment_method: 'stripe',
        },
      );
      expect(refused.status).toBe(403);
    } finally {
      await db.query(
        `UPDATE igny8_plans SET allow_credit_topup = true WHERE id = (SELECT plan_id FROM igny8_accounts WHERE id = $1)`,
        [a.accountId],
      );
    }
  });

  it('subscriptions: current, change_plan voids the older pending invoice, cancel and resume by the owner', async () => {
    const tenant = await seedTenant(t.app, { sites: 0, plan: 'starter' });
    const [plan] = await db.query<{ id: number }[]>(`SELECT id FROM igny8_plans WHERE slug = 'starter'`);
    await db.query(
      `INSERT INTO igny8_subscriptions (account_id, plan_id, status, current_period_start, current_period_end)
       VALUES ($1, $2, 'active', now(), now() + interval '20 days')`,
      [tenant.accountId, plan.id],
    );
    const current = await call('GET', 'billing/subscriptions/current/', tenant.users.viewer.auth);
    expect(data(current)).toMatchObject({ status: 'active', plan: { slug: 'starter' } });
    expect(
      (
        await call('POST', 'billing/subscriptions/change_plan/', tenant.users.admin.auth, {
          plan_slug: 'starter',
          payment_method: 'stripe',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', 'billing/subscriptions/change_plan/', tenant.users.admin.auth, {
          plan_slug: 'free-trial',
          payment_method: 'stripe',
        })
      ).status,
    ).toBe(400);
    const first = data(
      await call('POST', 'billing/subscriptions/change_plan/', tenant.users.admin.auth, {
        plan_slug: 'growth',
        payment_method: 'stripe',
      }),
    );
    const second = data(
      await call('POST', 'billing/subscriptions/change_plan/', tenant.users.admin.auth, {
        plan_slug: 'scale',
        payment_method: 'paypal',
      }),
    );
    expect(second.invoice).toMatchObject({ total: '229.00', status: 'pending' });
    const firstId = (first.invoice as Body).id as number;
    expect(data(await call('GET', `billing/invoices/${firstId}/`, tenant.users.admin.auth)).status).toBe(
      'void',
    );

    expect((await call('POST', 'billing/subscriptions/cancel/', tenant.users.admin.auth)).status).toBe(403);
    expect((await call('POST', 'billing/subscriptions/resume/', tenant.users.owner.auth)).status).toBe(409);
    expect(
      data(await call('POST', 'billing/subscriptions/cancel/', tenant.users.owner.auth)).cancel_at_period_end,
    ).toBe(true);
    expect(
      data(await call('POST', 'billing/subscriptions/resume/', tenant.users.owner.auth)).cancel_at_period_end,
    ).toBe(false);
  });

  it('admin: stats, lists across accounts, adjust_credits never below zero, credit costs and packages', async () => {
    const stats = data(await call('GET', 'billing/admin/stats/', dev.auth));
    expect(stats.total_revenue).toMatch(/^\d+\.\d{2}$/);
    expect(stats.accounts_by_status).toHaveProperty('pending_payment');
    const invoices = await call('GET', `admin/billing/invoices/?account_id=${a.accountId}`, dev.auth);
    expect((invoices.body.results as Body[]).every((row) => row.account_id === a.accountId)).toBe(true);
    expect((invoices.body.count as number) > 0).toBe(true);
    expect((await call('GET', 'admin/billing/stats/', a.users.owner.auth)).status).toBe(403);

    const before = await pools(b.accountId);
    const adjusted = await call('POST', `admin/billing/accounts/${b.accountId}/adjust_credits/`, dev.auth, {
      amount: 25,
      pool: 'bonus',
      reason: 'Goodwill',
    });
    expect(data(adjusted)).toMatchObject({
      account: { id: b.accountId, bonus_credits: before.bonus_credits + 25 },
      transaction: { transaction_type: 'adjustment', bonus_amount: 25, description: 'Goodwill' },
    });
    const below = await call('POST', `billing/admin/accounts/${b.accountId}/adjust_credits/`, dev.auth, {
      amount: -(before.credits + 1),
      pool: 'plan',
      reason: 'Too much',
    });
    expect(below.status).toBe(400);
    expect(below.body.errors).toHaveProperty('amount');
    expect((await pools(b.accountId)).credits).toBe(before.credits);

    const costs = data(await call('GET', 'admin/billing/credit-costs/', dev.auth)) as unknown as Body[];
    const clustering = costs.find((row) => row.operation_type === 'clustering')!;
    const patched = await call('PATCH', `admin/billing/credit-costs/${clustering.id as number}/`, dev.auth, {
      credits_cost: '0.25',
    });
    expect(data(patched).credits_cost).toBe('0.25');
    expect(
      (
        await call('PATCH', `admin/billing/credit-costs/${clustering.id as number}/`, dev.auth, {
          credits_cost: 0.1,
        })
      ).status,
    ).toBe(400);
    await call('PATCH', `admin/billing/credit-costs/${clustering.id as number}/`, dev.auth, {
      credits_cost: clustering.credits_cost as string,
    });

    const created = await call('POST', 'admin/billing/credit-packages/', dev.auth, {
      name: 'Tiny',
      slug: 'tiny-pack',
      credits: 10,
      price: '0.99',
    });
    expect(data(created)).toMatchObject({
      slug: 'tiny-pack',
      price: '0.99',
      currency: 'USD',
      is_active: true,
    });
    const id = data(created).id as number;
    expect(
      (
        await call('POST', 'admin/billing/credit-packages/', dev.auth, {
          name: 'Tiny',
          slug: 'tiny-pack',
          credits: 10,
          price: '1.00',
        })
      ).status,
    ).toBe(400);
    expect(
      data(await call('PATCH', `billing/admin/credit-packages/${id}/`, dev.auth, { is_active: false }))
        .is_active,
    ).toBe(false);
    expect((await call('DELETE', `admin/billing/credit-packages/${id}/`, dev.auth)).status).toBe(200);
    expect((await call('GET', `admin/billing/credit-packages/${id}/`, dev.auth)).status).toBe(404);
  });
});
