import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantContext } from '../../src/common/context/tenant-context.service.js';
import type { InvoiceMetadata } from '../../src/modules/billing/entities/invoice.entity.js';
import { InvoiceIssuer } from '../../src/modules/billing/invoice-issuer.js';
import { InvoicePayments } from '../../src/modules/billing/invoice-payments.service.js';
import { outbox } from '../auth/helpers.js';
import type { TestApp } from '../support/app.js';
import { type ClockedJobsApp, createClockedJobsApp } from '../support/clocked-jobs.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import { seedDeveloper } from '../users/support.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PACKAGE_DAYS = 7;

interface InvoiceRow {
  id: number;
  status: string;
  void_reason: string | null;
  metadata: InvoiceMetadata;
  invoice_number: string;
}

describe('billing invoice deadlines: credit-package expiry reminder and void, overdue reminders, manual payment emails', () => {
  let t: TestApp;
  let db: DataSource;
  let run: ClockedJobsApp['run'];
  let now = new Date('2027-01-10T12:00:00Z');

  beforeAll(async () => {
    ({ t, db, run } = await createClockedJobsApp(() => now));
  });

  afterAll(async () => {
    await t?.close();
  });

  /**
   * A pending invoice issued at `issuedAt` (a credit package expires 7 days later, any invoice is due 7
   * days later); a subscription invoice renews the period ending at issue unless `renewal` is false.
   */
  function issue(
    tenant: SeededTenant,
    type: 'credit_package' | 'subscription',
    issuedAt: Date,
    { renewal = true } = {},
  ) {
    return t.app.get(TenantContext).runAsSystem('test invoice', async () => {
      const [plan] = await db.query<{ id: number }[]>(`SELECT id FROM igny8_plans WHERE slug = 'growth'`);
      return db.transaction((tx) =>
        t.app.get(InvoiceIssuer).issue(
          tx,
          {
            accountId: tenant.accountId,
            type,
            planId: type === 'subscription' ? plan.id : null,
            lines:
              type === 'subscription'
                ? [{ description: 'Growth plan, 1 month', unit_price: '139.00', credits: 2000 }]
                : [{ description: '500 credits', unit_price: '50.00', credits: 500 }],
            ...(type === 'subscription' && renewal
              ? { metadata: { renewal_for_period_end: issuedAt.toISOString() } }
              : {}),
          },
          issuedAt,
        ),
      );
    });
  }

  /** A credit-package invoice that expires at `expiresAt`. */
  const expiringAt = (tenant: SeededTenant, expiresAt: Date) =>
    issue(tenant, 'credit_package', new Date(expiresAt.getTime() - PACKAGE_DAYS * DAY));

  function pay(invoiceId: number) {
    return t.app
      .get(TenantContext)
      .runAsSystem('test payment', () =>
        t.app.get(InvoicePayments).settle(invoiceId, { method: 'bank_transfer' }, undefined, now),
      );
  }

  async function invoice(id: number): Promise<InvoiceRow> {
    const [row] = await db.query<InvoiceRow[]>(
      `SELECT id, status, void_reason, metadata, invoice_number FROM igny8_invoices WHERE id = $1`,
      [id],
    );
    return row;
  }

  async function paymentStatuses(invoiceId: number): Promise<string[]> {
    const rows = await db.query<{ status: string }[]>(
      `SELECT status FROM igny8_payments WHERE invoice_id = $1 ORDER BY id`,
      [invoiceId],
    );
    return rows.map((row) => row.status);
  }

  async function addPayment(
    tenant: SeededTenant,
    invoiceId: number,
    status: string,
    method = 'bank_transfer',
  ): Promise<void> {
    await db.query(
      `INSERT INTO igny8_payments (account_id, invoice_id, amount, currency, payment_method, status)
       VALUES ($1, $2, '50.00', 'USD', $3, $4)`,
      [tenant.accountId, invoiceId, method, status],
    );
  }

  /** The templates sent to `email`, oldest first, without the `invoice_created` of issuing. */
  async function sent(email: string, template?: string) {
    const mails = (await outbox(t, email))
      .reverse()
      .filter((mail) => mail.template_key !== 'invoice_created');
    return template ? mails.filter((mail) => mail.template_key === template) : mails;
  }

  it('reminds once of a credit-package invoice expiring within 24 hours, per account, to its billing email', async () => {
    now = new Date('2027-01-10T12:00:00Z');
    const tenant = await seedTenant(t.app, { sites: 0 });
    const other = await seedTenant(t.app, { sites: 0 });
    await db.query(`UPDATE igny8_accounts SET billing_email = $2 WHERE id = $1`, [
      other.accountId,
      `billing-${other.accountId}@example.com`,
    ]);
    const soon = await expiringAt(tenant, new Date(now.getTime() + 23 * HOUR));
    const later = await expiringAt(tenant, new Date(now.getTime() + 25 * HOUR));
    const paid = await expiringAt(tenant, new Date(now.getTime() + 22 * HOUR));
    const expired = await expiringAt(tenant, new Date(now.getTime() - HOUR));
    const foreign = await expiringAt(other, new Date(now.getTime() + 20 * HOUR));
    expect((await pay(paid.id)).applied).toBe(true);

    expect(await run('send_credit_invoice_expiry_reminders')).toEqual({ reminded: 2 });
    expect(await run('send_credit_invoice_expiry_reminders')).toEqual({ reminded: 0 });

    expect((await invoice(soon.id)).metadata.expiry_reminder_sent).toBe(true);
    expect((await invoice(foreign.id)).metadata.expiry_reminder_sent).toBe(true);
    for (const untouched of [later, paid, expired]) {
      expect((await invoice(untouched.id)).metadata.expiry_reminder_sent).toBeUndefined();
    }
    const mine = await sent(tenant.users.owner.email, 'credit_invoice_expiring');
    expect(mine).toHaveLength(1);
    expect(mine[0].subject).toContain(soon.invoice_number);
    expect(mine[0].text).toContain('2027-01-11 11:00 UTC');
    expect(mine[0].text).toContain('500 credits (50.00 USD)');
    expect(mine[0].html).toContain('/account/billing');
    // The other account's reminder goes to its billing email, not to its owner nor to this account.
    const theirs = await sent(`billing-${other.accountId}@example.com`, 'credit_invoice_expiring');
    expect(theirs).toHaveLength(1);
    expect(theirs[0].subject).toContain(foreign.invoice_number);
    expect(await sent(other.users.owner.email, 'credit_invoice_expiring')).toEqual([]);

    // Two hours on, the invoice that expired in 25 hours is within the day: reminded once, the first not again.
    now = new Date(now.getTime() + 2 * HOUR);
    expect(await run('send_credit_invoice_expiry_reminders')).toEqual({ reminded: 1 });
    expect(await run('send_credit_invoice_expiry_reminders')).toEqual({ reminded: 0 });
    expect((await invoice(later.id)).metadata.expiry_reminder_sent).toBe(true);
    expect(await sent(tenant.users.owner.email, 'credit_invoice_expiring')).toHaveLength(2);
  });

  it('voids expired credit-package invoices once and cancels their open manual payments, nothing else', async () => {
    now = new Date('2027-02-10T12:00:00Z');
    const tenant = await seedTenant(t.app, { sites: 0 });
    const other = await seedTenant(t.app, { sites: 0 });
    const expired = await expiringAt(tenant, new Date(now.getTime() - HOUR));
    await addPayment(tenant, expired.id, 'failed');
    await addPayment(tenant, expired.id, 'pending_approval');
    await addPayment(tenant, expired.id, 'pending', 'stripe');
    const atNow = await expiringAt(tenant, now);
    const notYet = await expiringAt(tenant, new Date(now.getTime() + HOUR));
    await addPayment(tenant, notYet.id, 'pending_approval');
    const paid = await expiringAt(tenant, new Date(now.getTime() - 2 * HOUR));
    expect((await pay(paid.id)).applied).toBe(true);
    const subscriptionInvoice = await issue(tenant, 'subscription', new Date(now.getTime() - 20 * DAY));
    const foreign = await expiringAt(other, new Date(now.getTime() - DAY));
    await addPayment(other, foreign.id, 'processing', 'manual');

    const first = await run('void_expired_credit_invoices');
    // Earlier tests' pending packages have expired by now too.
    expect(first.voided).toBeGreaterThanOrEqual(3);
    expect(first.payments_cancelled).toBe(2);
    expect(await run('void_expired_credit_invoices')).toEqual({ voided: 0, payments_cancelled: 0 });

    for (const gone of [expired, atNow, foreign]) {
      expect(await invoice(gone.id)).toMatchObject({ status: 'void', void_reason: 'expired' });
    }
    // Failed stays failed; a provider's payment is left to its webhook (a late payment still settles).
    expect(await paymentStatuses(expired.id)).toEqual(['failed', 'cancelled', 'pending']);
    expect(await paymentStatuses(foreign.id)).toEqual(['cancelled']);
    expect(await invoice(notYet.id)).toMatchObject({ status: 'pending', void_reason: null });
    expect(await paymentStatuses(notYet.id)).toEqual(['pending_approval']);
    expect((await invoice(paid.id)).status).toBe('paid');
    expect(await paymentStatuses(paid.id)).toEqual(['succeeded']);
    expect((await invoice(subscriptionInvoice.id)).status).toBe('pending');
    // Paid, so that the overdue reminders below only meet their own invoices.
    expect((await pay(subscriptionInvoice.id)).applied).toBe(true);
  });

  it('reminds of an overdue subscription invoice once every 3 days, per invoice, never sooner', async () => {
    now = new Date('2027-03-08T10:00:00Z');
    const tenant = await seedTenant(t.app, { sites: 0 });
    const other = await seedTenant(t.app, { sites: 0 });
    const overdue = await issue(tenant, 'subscription', new Date('2027-03-01T09:00:00Z')); // due 03-08
    const paid = await issue(tenant, 'subscription', new Date('2027-02-01T09:00:00Z'));
    expect((await pay(paid.id)).applied).toBe(true);
    const pack = await issue(tenant, 'credit_package', new Date('2027-02-20T09:00:00Z'));
    const foreign = await issue(other, 'subscription', new Date('2027-03-03T09:00:00Z')); // due 03-10
    // An overdue subscription invoice that renews nothing (an unpaid plan change): the reminder's
    // text speaks of an ended plan and expired credits, so it is not sent.
    const planChange = await issue(tenant, 'subscription', new Date('2027-02-25T09:00:00Z'), {
      renewal: false,
    });
    const reminders = async (who: SeededTenant) => sent(who.users.owner.email, 'renewal_reminder');

    // On its due date an invoice is not overdue yet.
    expect(await run('send_invoice_reminders')).toEqual({ reminded: 0 });

    now = new Date('2027-03-09T10:00:00Z');
    expect(await run('send_invoice_reminders')).toEqual({ reminded: 1 });
    expect(await run('send_invoice_reminders')).toEqual({ reminded: 0 });
    const first = await reminders(tenant);
    expect(first).toHaveLength(1);
    expect(first[0].text).toContain('Growth');
    expect((await invoice(overdue.id)).metadata.last_reminder_at).toBe(now.toISOString());

    now = new Date('2027-03-11T10:00:00Z');
    // Only the other account's invoice (overdue since the 11th) is reminded; this one was two days ago.
    expect(await run('send_invoice_reminders')).toEqual({ reminded: 1 });
    expect(await reminders(tenant)).toHaveLength(1);
    expect(await reminders(other)).toHaveLength(1);

    now = new Date('2027-03-11T23:59:00Z');
    expect(await run('send_invoice_reminders')).toEqual({ reminded: 0 });

    // Three days on, even a few seconds earlier in the day than the last run: reminded again, once.
    now = new Date('2027-03-12T09:59:55Z');
    expect(await run('send_invoice_reminders')).toEqual({ reminded: 1 });
    expect(await run('send_invoice_reminders')).toEqual({ reminded: 0 });
    expect(await reminders(tenant)).toHaveLength(2);
    expect(await reminders(other)).toHaveLength(1);

    now = new Date('2027-03-14T10:00:00Z');
    expect(await run('send_invoice_reminders')).toEqual({ reminded: 1 });
    expect(await reminders(other)).toHaveLength(2);
    expect(await reminders(tenant)).toHaveLength(2);

    expect((await invoice(paid.id)).metadata.last_reminder_at).toBeUndefined();
    expect((await invoice(pack.id)).metadata.last_reminder_at).toBeUndefined();
    expect((await invoice(planChange.id)).metadata.last_reminder_at).toBeUndefined();
    expect((await invoice(foreign.id)).metadata.last_reminder_at).toBe(now.toISOString());

    // Once paid, no more reminders.
    expect((await pay(overdue.id)).applied).toBe(true);
    now = new Date('2027-03-20T10:00:00Z');
    await run('send_invoice_reminders');
    expect(await reminders(tenant)).toHaveLength(2);
  });

  describe('manual payment emails', () => {
    let tenant: SeededTenant;
    let dev: Awaited<ReturnType<typeof seedDeveloper>>;

    const call = async (url: string, headers: Record<string, string>, payload: Record<string, unknown>) => {
      const response = await t.request({ method: 'POST', url: `/api/v1/${url}`, headers, payload });
      return { status: response.statusCode, body: response.json<{ data?: { id: number } }>() };
    };
    const submit = (invoiceId: number, fields: Record<string, unknown> = {}) =>
      call('billing/payments/manual/', tenant.users.admin.auth, {
        invoice_id: invoiceId,
        payment_method: 'bank_transfer',
        transaction_reference: 'TRX-77',
        ...fields,
      });

    beforeAll(async () => {
      tenant = await seedTenant(t.app, { sites: 0 });
      dev = await seedDeveloper(t);
      // Bank transfer is offered in Pakistan (seeded).
      await db.query(`UPDATE igny8_accounts SET billing_country = 'PK' WHERE id = $1`, [tenant.accountId]);
      now = new Date();
    });

    it('payment_submitted: once, to the owner, after the commit; nothing for a refused or failed submission', async () => {
      const invoiceRow = await issue(tenant, 'credit_package', new Date());
      const owner = tenant.users.owner.email;

      // Refused input: a method Pakistan does not offer, a void invoice.
      expect((await submit(invoiceRow.id, { payment_method: 'local_wallet' })).status).toBe(400);
      const voided = await issue(tenant, 'credit_package', new Date());
      await db.query(`UPDATE igny8_invoices SET status = 'void' WHERE id = $1`, [voided.id]);
      expect((await submit(voided.id)).status).toBe(400);
      expect(await sent(owner, 'payment_submitted')).toEqual([]);

      // A submission failing after its payment row and email were prepared rolls back and sends nothing.
      const [{ next }] = await db.query<{ next: string }[]>(
        `SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS next
           FROM igny8_payments_id_seq`,
      );
      await db.query(
        `INSERT INTO igny8_webhook_events (provider, event_id, event_type, payload, processed)
         VALUES ('manual', $1, 'test.blocker', '{}', true)`,
        [`manual-payment-${next}-submitted`],
      );
      expect((await submit(invoiceRow.id)).status).toBeGreaterThanOrEqual(400);
      expect(await paymentStatuses(invoiceRow.id)).toEqual([]);
      expect(await sent(owner, 'payment_submitted')).toEqual([]);

      const ok = await submit(invoiceRow.id);
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect((await submit(invoiceRow.id, { transaction_reference: 'TRX-78' })).status).toBe(409);
      const mails = await sent(owner, 'payment_submitted');
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toContain(invoiceRow.invoice_number);
      expect(mails[0].text).toContain('50.00 USD');
      expect(mails[0].text).toContain('TRX-77');
      expect(await sent(tenant.users.admin.email)).toEqual([]);
    });

    it('payment_rejected: once, with the reason, after the commit; nothing when the rejection fails', async () => {
      const invoiceRow = await issue(tenant, 'credit_package', new Date());
      const owner = tenant.users.owner.email;
      const submitted = await submit(invoiceRow.id, { transaction_reference: 'TRX-90' });
      expect(submitted.status).toBe(201);
      const paymentId = submitted.body.data?.id as number;
      const reject = (reason: unknown) =>
        call(`admin/billing/payments/${paymentId}/reject/`, dev.auth, { reason });

      expect((await reject('')).status).toBe(400);
      // A rejection failing after its email was prepared (its trail row is taken) rolls back and sends nothing.
      await db.query(
        `INSERT INTO igny8_webhook_events (provider, event_id, event_type, payload, processed)
         VALUES ('manual', $1, 'test.blocker', '{}', true)`,
        [`manual-payment-${paymentId}-rejected`],
      );
      expect((await reject('Not received')).status).toBeGreaterThanOrEqual(400);
      expect(await paymentStatuses(invoiceRow.id)).toEqual(['pending_approval']);
      expect(await sent(owner, 'payment_rejected')).toEqual([]);
      await db.query(`DELETE FROM igny8_webhook_events WHERE event_id = $1`, [
        `manual-payment-${paymentId}-rejected`,
      ]);

      expect((await reject('Not received on our account')).status).toBe(200);
      expect((await reject('again')).status).toBe(409);
      const mails = await sent(owner, 'payment_rejected');
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toContain(invoiceRow.invoice_number);
      expect(mails[0].text).toContain('Reason: Not received on our account');
      expect(mails[0].text).toContain('TRX-90');
      expect(await sent(dev.email)).toEqual([]);
    });
  });
});
