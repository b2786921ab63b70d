import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantContext } from '../../src/common/context/tenant-context.service.js';
import { InvoiceIssuer } from '../../src/modules/billing/invoice-issuer.js';
import { InvoicePayments } from '../../src/modules/billing/invoice-payments.service.js';
import { outbox } from '../auth/helpers.js';
import type { TestApp } from '../support/app.js';
import { type ClockedJobsApp, createClockedJobsApp } from '../support/clocked-jobs.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface SubscriptionRow {
  id: number;
  status: string;
  current_period_start: Date;
  current_period_end: Date;
  cancel_at_period_end: boolean;
}

describe('billing renewals: notices, period end, credit expiry, suspension, re-activation, emails', () => {
  let t: TestApp;
  let db: DataSource;
  let run: ClockedJobsApp['run'];
  let now = new Date('2026-05-10T12:00:00Z');

  beforeAll(async () => {
    ({ t, db, run } = await createClockedJobsApp(() => now));
  });

  afterAll(async () => {
    await t?.close();
  });

  /** A tenant on `growth` with a live subscription ending at `end`, its owner as the account owner. */
  async function subscribed(
    end: Date,
    fields: { provider?: string; external?: string | null; cancel?: boolean } = {},
  ): Promise<SeededTenant> {
    const tenant = await seedTenant(t.app, { plan: 'growth' });
    await db.query(
      `UPDATE igny8_accounts SET owner_id = $2, credits = 1000, bonus_credits = 300 WHERE id = $1`,
      [tenant.accountId, tenant.users.owner.id],
    );
    await db.query(
      `INSERT INTO igny8_subscriptions
         (account_id, plan_id, status, current_period_start, current_period_end, payment_provider,
          external_subscription_id, cancel_at_period_end)
       SELECT $1, id, 'active', $2::timestamptz - interval '1 month', $2, $3, $4, $5 FROM igny8_plans WHERE slug = 'growth'`,
      [
        tenant.accountId,
        end,
        fields.provider ?? 'bank_transfer',
        fields.external ?? null,
        fields.cancel ?? false,
      ],
    );
    return tenant;
  }

  async function subscription(tenant: SeededTenant): Promise<SubscriptionRow> {
    const [row] = await db.query<SubscriptionRow[]>(
      `SELECT * FROM igny8_subscriptions WHERE account_id = $1 ORDER BY id DESC LIMIT 1`,
      [tenant.accountId],
    );
    return row;
  }

  async function account(tenant: SeededTenant) {
    const [row] = await db.query<{ status: string; credits: number; bonus_credits: number }[]>(
      `SELECT status, credits, bonus_credits FROM igny8_accounts WHERE id = $1`,
      [tenant.accountId],
    );
    return row;
  }

  async function renewalInvoices(tenant: SeededTenant) {
    return db.query<{ id: number; status: string; total: string; invoice_number: string; end: string }[]>(
      `SELECT id, status, total, invoice_number, metadata->>'renewal_for_period_end' AS end
         FROM igny8_invoices WHERE account_id = $1 AND metadata ? 'renewal_for_period_end' ORDER BY id`,
      [tenant.accountId],
    );
  }

  async function mails(tenant: SeededTenant) {
    return (await outbox(t, tenant.users.owner.email)).reverse();
  }

  function pay(invoiceId: number) {
    return t.app
      .get(TenantContext)
      .runAsSystem('test payment', () =>
        t.app.get(InvoicePayments).settle(invoiceId, { method: 'bank_transfer' }, undefined, now),
      );
  }

  it('issues one renewal invoice with one notice a week before the period ends; paying it renews from the old end', async () => {
    now = new Date('2026-05-10T12:00:00Z');
    const end = new Date(now.getTime() + 5 * DAY);
    const early = await subscribed(new Date(now.getTime() + 20 * DAY));
    const tenant = await subscribed(end);

    expect((await run('send_renewal_notices')).notified).toBeGreaterThanOrEqual(1);
    expect(await run('send_renewal_notices')).toEqual({ notified: 0 });

    const invoices = await renewalInvoices(tenant);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ status: 'pending', total: '139.00', end: end.toISOString() });
    expect(await renewalInvoices(early)).toHaveLength(0);

    const sent = await mails(tenant);
    expect(sent.map((mail) => mail.template_key)).toEqual(['renewal_notice']);
    expect(sent[0].subject).toContain('2026-05-15');
    expect(sent[0].text).toContain(invoices[0].invoice_number);
    expect(sent[0].text).toContain('139.00 USD');
    expect(sent[0].text).toContain('/account/billing');
    expect(sent[0].html).toContain('Growth');

    now = new Date(now.getTime() + 2 * DAY);
    expect((await pay(invoices[0].id)).applied).toBe(true);
    const renewed = await subscription(tenant);
    expect(renewed.status).toBe('active');
    expect(renewed.current_period_start.toISOString()).toBe(end.toISOString());
    expect(renewed.current_period_end.toISOString()).toBe('2026-06-15T12:00:00.000Z');
    expect((await mails(tenant)).map((mail) => mail.template_key)).toEqual([
      'renewal_notice',
      'payment_approved',
    ]);

    // The period that was paid for ends without any effect.
    now = new Date(end.getTime() + HOUR);
    await run('process_subscription_renewals');
    expect((await subscription(tenant)).status).toBe('active');
    expect(await renewalInvoices(tenant)).toHaveLength(1);
  });

  it('unpaid: past_due at the period end, plan credits expire a day later, suspension after 7 days, payment re-activates', async () => {
    now = new Date('2026-07-01T00:00:00Z');
    const end = new Date(now.getTime() + HOUR);
    const tenant = await subscribed(end, { provider: 'manual' });

    // Earlier tests' subscriptions end first; this one's period is not over yet.
    await run('process_subscription_renewals');
    expect((await subscription(tenant)).status).toBe('active');

    now = new Date(end.getTime() + HOUR);
    expect((await run('process_subscription_renewals')).past_due).toBeGreaterThanOrEqual(1);
    expect(await run('process_subscription_renewals')).toEqual({ canceled: 0, past_due: 0 });
    expect((await subscription(tenant)).status).toBe('past_due');
    const invoices = await renewalInvoices(tenant);
    expect(invoices).toHaveLength(1);
    expect(invoices[0].end).toBe(end.toISOString());
    expect((await mails(tenant)).map((mail) => mail.template_key)).toEqual(['invoice_created']);

    // Less than a day after the end: credits kept, no suspension.
    await run('send_day_after_reminders');
    await run('check_expired_renewals');
    expect(await account(tenant)).toEqual({ status: 'active', credits: 1000, bonus_credits: 300 });

    now = new Date(end.getTime() + DAY + HOUR);
    expect((await run('send_day_after_reminders')).expired).toBeGreaterThanOrEqual(1);
    expect(await run('send_day_after_reminders')).toEqual({ expired: 0 });
    expect(await account(tenant)).toEqual({ status: 'active', credits: 0, bonus_credits: 300 });
    const ledger = await db.query<{ plan_amount: number; bonus_amount: number; reference_id: string }[]>(
      `SELECT plan_amount, bonus_amount, reference_id FROM igny8_credit_transactions
        WHERE account_id = $1 AND reference_id LIKE 'expire:%'`,
      [tenant.accountId],
    );
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ plan_amount: -1000, bonus_amount: 0 });
    // The reminder counts for the renewal invoice's overdue reminders (send_invoice_reminders).
    const [{ last }] = await db.query<{ last: string }[]>(
      `SELECT metadata->>'last_reminder_at' AS last FROM igny8_invoices WHERE id = $1`,
      [invoices[0].id],
    );
    expect(last).toBe(now.toISOString());
    await run('check_expired_renewals');
    expect((await account(tenant)).status).toBe('active');

    now = new Date(end.getTime() + 7 * DAY + HOUR);
    expect((await run('check_expired_renewals')).suspended).toBeGreaterThanOrEqual(1);
    expect(await run('check_expired_renewals')).toEqual({ suspended: 0 });
    expect((await account(tenant)).status).toBe('suspended');
    const sent = await mails(tenant);
    expect(sent.map((mail) => mail.template_key)).toEqual([
      'invoice_created',
      'renewal_reminder',
      'account_suspended',
    ]);
    expect(sent[1].text).toContain('2026-07-08');
    expect(sent[2].text).toContain('2026-07-01');

    // Paying the renewal late re-activates the account with a fresh period from now.
    expect((await pay(invoices[0].id)).applied).toBe(true);
    const renewed = await subscription(tenant);
    expect(renewed.status).toBe('active');
    expect(renewed.current_period_start.toISOString()).toBe(now.toISOString());
    const pools = await account(tenant);
    expect(pools.status).toBe('active');
    expect(pools.bonus_credits).toBe(300);
    expect(pools.credits).toBeGreaterThan(0);
    expect(await run('check_expired_renewals')).toEqual({ suspended: 0 });
    expect((await account(tenant)).status).toBe('active');
  });

  it('cancel at period end: no notice, canceled and cancelled at the end, renewal invoice void, plan credits 0, bonus kept, once', async () => {
    now = new Date('2026-08-01T00:00:00Z');
    const end = new Date(now.getTime() + 3 * DAY);
    const canceledFirst = await subscribed(end, { cancel: true });
    const canceledLater = await subscribed(end);

    await run('send_renewal_notices');
    expect(await renewalInvoices(canceledFirst)).toHaveLength(0);
    expect(await renewalInvoices(canceledLater)).toHaveLength(1);
    await db.query(`UPDATE igny8_subscriptions SET cancel_at_period_end = true WHERE account_id = $1`, [
      canceledLater.accountId,
    ]);

    now = new Date(end.getTime() + HOUR);
    expect((await run('process_subscription_renewals')).canceled).toBeGreaterThanOrEqual(2);
    expect(await run('process_subscription_renewals')).toEqual({ canceled: 0, past_due: 0 });
    for (const tenant of [canceledFirst, canceledLater]) {
      expect((await subscription(tenant)).status).toBe('canceled');
      expect(await account(tenant)).toEqual({ status: 'cancelled', credits: 0, bonus_credits: 300 });
      const [{ count }] = await db.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM igny8_credit_transactions WHERE account_id = $1 AND reference_id LIKE 'cancel:%'`,
        [tenant.accountId],
      );
      expect(count).toBe(1);
    }
    expect(await renewalInvoices(canceledFirst)).toHaveLength(0);
    expect((await renewalInvoices(canceledLater)).map((invoice) => invoice.status)).toEqual(['void']);
    // Later runs leave canceled subscriptions alone.
    now = new Date(end.getTime() + 8 * DAY);
    await run('send_day_after_reminders');
    await run('check_expired_renewals');
    expect((await account(canceledLater)).status).toBe('cancelled');
  });

  it('leaves subscriptions the provider charges to its webhooks', async () => {
    now = new Date('2026-09-01T00:00:00Z');
    const tenant = await subscribed(new Date(now.getTime() - HOUR), {
      provider: 'stripe',
      external: 'sub_renew_1',
    });
    await run('send_renewal_notices');
    await run('process_subscription_renewals');
    expect((await subscription(tenant)).status).toBe('active');
    expect(await renewalInvoices(tenant)).toHaveLength(0);
    expect(await mails(tenant)).toEqual([]);
  });

  it('emails an issued invoice only once its transaction commits, and never when it rolls back', async () => {
    now = new Date('2026-10-01T00:00:00Z');
    const tenant = await subscribed(new Date('2026-12-01T00:00:00Z'));
    await db.query(`UPDATE igny8_accounts SET billing_email = $2 WHERE id = $1`, [
      tenant.accountId,
      tenant.users.owner.email,
    ]);
    const issue = (tx: Parameters<InvoiceIssuer['issue']>[0], price: string) =>
      t.app.get(InvoiceIssuer).issue(
        tx,
        {
          accountId: tenant.accountId,
          type: 'custom',
          lines: [{ description: 'Setup', unit_price: price }],
        },
        now,
      );
    const system = t.app.get(TenantContext);
    await expect(
      system.runAsSystem('test', () =>
        db.transaction(async (tx) => {
          await issue(tx, '10.00');
          throw new Error('rolled back');
        }),
      ),
    ).rejects.toThrow('rolled back');
    expect(await mails(tenant)).toEqual([]);

    const invoice = await system.runAsSystem('test', () => db.transaction((tx) => issue(tx, '0.30')));
    const sent = await mails(tenant);
    expect(sent.map((mail) => mail.template_key)).toEqual(['invoice_created']);
    expect(sent[0].subject).toContain(invoice.invoice_number);
    expect(sent[0].text).toContain('0.30 USD, due 2026-10-08');

    expect((await pay(invoice.id)).applied).toBe(true);
    expect((await pay(invoice.id)).applied).toBe(false);
    const after = await mails(tenant);
    expect(after.map((mail) => mail.template_key)).toEqual(['invoice_created', 'payment_approved']);
    expect(after[1].text).toContain(`0.30 USD for invoice ${invoice.invoice_number}`);
  });
});
