import type { HTTPMethods } from 'fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Mailer } from '../../src/common/mail/mailer.service.js';
import { CreditLedger } from '../../src/modules/billing/credit-ledger.service.js';
import { Notifier } from '../../src/modules/notifications/notifier.service.js';
import { outbox } from '../auth/helpers.js';
import { addTasks, api, settle, start } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';

type Body = Record<string, unknown>;

describe('notifications', () => {
  let t: TestApp;
  let db: DataSource;
  let a: SeededTenant;
  let b: SeededTenant;

  const call = async (method: HTTPMethods, url: string, headers: Record<string, string>, payload?: Body) => {
    const response = await t.request({
      method,
      url: `/api/v1/notifications/${url}`,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    return { status: response.statusCode, body: response.json<Body>() };
  };
  const results = (response: { body: Body }) => response.body.results as Body[];

  async function insert(
    tenant: SeededTenant,
    values: Partial<Record<string, unknown>> = {},
  ): Promise<number> {
    const [{ id }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_notifications (account_id, user_id, notification_type, title, message, severity)
       VALUES ($1, $2, $3, $4, 'Body', $5) RETURNING id`,
      [
        tenant.accountId,
        values.user_id ?? null,
        values.notification_type ?? 'system',
        values.title ?? 'Hello',
        values.severity ?? 'info',
      ],
    );
    return id;
  }

  beforeAll(async () => {
    t = await createTestApp({ redis: false });
    db = t.app.get(DataSource);
    a = await seedTenant(t.app);
    b = await seedTenant(t.app);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await db.query('DELETE FROM igny8_notifications');
    await db.query('DELETE FROM igny8_notification_preferences');
  });

  it('lists account-wide and own notifications, counts unread, reads and deletes', async () => {
    const shared = await insert(a, { title: 'Shared' });
    const mine = await insert(a, { user_id: a.users.viewer.id, title: 'Mine', severity: 'warning' });
    const editors = await insert(a, { user_id: a.users.editor.id, title: 'For the editor' });
    const foreign = await insert(b, { title: 'Other account' });
    const viewer = a.users.viewer.auth;

    const listed = results(await call('GET', '', viewer));
    expect(listed.map((row) => row.title).sort()).toEqual(['Mine', 'Shared']);
    expect(results(await call('GET', '?severity=warning', viewer)).map((row) => row.id)).toEqual([mine]);
    expect((await call('GET', 'unread_count/', viewer)).body.data).toEqual({ count: 2 });

    const read = await call('POST', `${mine}/read/`, viewer);
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ id: mine, is_read: true });
    expect((read.body.data as Body).read_at).not.toBeNull();
    expect((await call('GET', 'unread_count/', viewer)).body.data).toEqual({ count: 1 });
    expect(results(await call('GET', '?is_read=false', viewer)).map((row) => row.id)).toEqual([shared]);

    // Another user's and another account's notifications are 404.
    for (const id of [editors, foreign]) {
      expect((await call('POST', `${id}/read/`, viewer)).status).toBe(404);
      expect((await call('DELETE', `${id}/`, viewer)).status).toBe(404);
    }
    expect(results(await call('GET', '', b.users.owner.auth)).map((row) => row.id)).toEqual([foreign]);

    expect((await call('POST', 'read_all/', viewer)).body.data).toEqual({ updated_count: 1 });
    expect((await call('GET', 'unread_count/', viewer)).body.data).toEqual({ count: 0 });
    // The editor's own notification stayed unread.
    expect((await call('GET', 'unread_count/', a.users.editor.auth)).body.data).toEqual({ count: 1 });

    expect((await call('DELETE', `${shared}/`, viewer)).status).toBe(200);
    expect((await call('GET', '', viewer)).body.count).toBe(1);
    expect((await call('GET', '', { 'x-igny8-api-key': a.apiKeys[0] })).status).toBe(403);
    expect((await call('GET', '?severity=loud', viewer)).status).toBe(400);
  });

  it('keeps per-user preferences; a type off in the app is hidden', async () => {
    const viewer = a.users.viewer.auth;
    const initial = (await call('GET', 'preferences/', viewer)).body.data as Body[];
    expect(initial.find((row) => row.notification_type === 'credits_low')).toEqual({
      notification_type: 'credits_low',
      in_app: true,
      email: false,
    });
    const patched = await call('PATCH', 'preferences/', viewer, {
      preferences: [{ notification_type: 'credits_low', in_app: false, email: true }],
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((patched.body.data as Body[]).find((row) => row.notification_type === 'credits_low')).toEqual({
      notification_type: 'credits_low',
      in_app: false,
      email: true,
    });
    await insert(a, { notification_type: 'credits_low', title: 'Low' });
    await insert(a, { title: 'Shown' });
    expect(results(await call('GET', '', viewer)).map((row) => row.title)).toEqual(['Shown']);
    // Another user of the account still sees it.
    expect(results(await call('GET', '', a.users.editor.auth))).toHaveLength(2);
    const bad = await call('PATCH', 'preferences/', viewer, { preferences: [{ notification_type: 'nope' }] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors as Body)).toEqual(['preferences']);
  });

  it('is created when credits fall below the threshold, once', async () => {
    const ledger = t.app.get(CreditLedger);
    await db.query('UPDATE igny8_accounts SET credits = 150, bonus_credits = 0 WHERE id = $1', [a.accountId]);
    await ledger.record({ accountId: a.accountId, type: 'deduction', planAmount: -40 });
    expect((await call('GET', '', a.users.owner.auth)).body.count).toBe(0);
    await ledger.record({ accountId: a.accountId, type: 'deduction', planAmount: -20 });
    await ledger.record({ accountId: a.accountId, type: 'deduction', planAmount: -5 });
    const listed = results(await call('GET', '', a.users.owner.auth));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ notification_type: 'credits_low', severity: 'warning', user_id: null });
    expect(listed[0].metadata).toMatchObject({ balance: 90 });
  });

  it('takes its threshold from the billing configuration; grants and resets never raise it', async () => {
    const ledger = t.app.get(CreditLedger);
    const lowNotices = async () =>
      results(await call('GET', '?notification_type=credits_low', a.users.owner.auth));
    const [{ low_credit_threshold: saved }] = await db.query<{ low_credit_threshold: number }[]>(
      'SELECT low_credit_threshold FROM igny8_billing_configuration WHERE id = 1',
    );
    await db.query('UPDATE igny8_billing_configuration SET low_credit_threshold = 500 WHERE id = 1');
    try {
      await db.query('UPDATE igny8_accounts SET credits = 800, bonus_credits = 0 WHERE id = $1', [
        a.accountId,
      ]);
      // A plan-pool reset of a new period (a grant) lowering the balance below 500: no notice.
      await ledger.setPlanPool(a.accountId, 450, { type: 'subscription', referenceId: 'period:test-1' });
      // A purchase (grant) and a refund back up: no notice either.
      await ledger.record({ accountId: a.accountId, type: 'purchase', bonusAmount: 300 });
      expect(await lowNotices()).toEqual([]);
      // 750 → 600: still above 500.
      await ledger.record({ accountId: a.accountId, type: 'deduction', planAmount: -150 });
      expect(await lowNotices()).toEqual([]);
      // 600 → 480: a debit crossing the configured threshold (the old fixed 100 would not fire).
      await ledger.record({ accountId: a.accountId, type: 'deduction', planAmount: -120 });
      const listed = await lowNotices();
      expect(listed).toHaveLength(1);
      expect(listed[0].metadata).toEqual({ balance: 480, threshold: 500 });
      // A manual negative adjustment is a debit too: back to 600, then down to 400.
      await ledger.record({ accountId: a.accountId, type: 'purchase', bonusAmount: 120 });
      await ledger.record({ accountId: a.accountId, type: 'adjustment', bonusAmount: -200 });
      expect(await lowNotices()).toHaveLength(2);
    } finally {
      await db.query('UPDATE igny8_billing_configuration SET low_credit_threshold = $1 WHERE id = 1', [
        saved,
      ]);
    }
  });

  describe('emails', () => {
    const email = async (
      tenant: SeededTenant,
      role: 'owner' | 'admin' | 'editor' | 'viewer',
      on: boolean,
    ) => {
      const reply = await call('PATCH', 'preferences/', tenant.users[role].auth, {
        preferences: [{ notification_type: 'credits_low', email: on, in_app: role !== 'owner' }],
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    };
    const sent = async (tenant: SeededTenant, role: 'owner' | 'admin' | 'editor' | 'viewer') =>
      (await outbox(t, tenant.users[role].email)).filter((mail) => mail.template_key === 'notification');
    const lowCredits = async () => {
      await db.query('UPDATE igny8_accounts SET credits = 150, bonus_credits = 0 WHERE id = $1', [
        a.accountId,
      ]);
      return { accountId: a.accountId, type: 'deduction' as const, planAmount: -100 };
    };

    beforeEach(async () => {
      await db.query(`DELETE FROM igny8_email_outbox WHERE template_key = 'notification'`);
    });

    it('seeds the notification email template with its variables', async () => {
      const [row] = await db.query<{ variables: string[]; is_active: boolean }[]>(
        `SELECT variables, is_active FROM igny8_email_templates WHERE template_key = 'notification'`,
      );
      expect(row.is_active).toBe(true);
      expect([...row.variables].sort()).toEqual(
        ['action_label', 'action_url', 'message', 'name', 'preferences_url', 'title'].sort(),
      );
    });

    it('go to the users who chose email for the type, in-app choice aside, after the commit', async () => {
      await email(a, 'editor', true);
      await email(a, 'owner', true); // in the app off, email on: still emailed
      await email(a, 'admin', false);
      await email(b, 'owner', true); // another account: never
      const ledger = t.app.get(CreditLedger);
      const change = await lowCredits();
      await db.transaction(async (manager) => {
        await ledger.record(change, manager);
        await t.app.get(Mailer).flush();
        // Not before the commit (read on the transaction's own connection: the embedded server has one).
        const queued: unknown[] = await manager.query(
          `SELECT 1 FROM igny8_email_outbox WHERE template_key = 'notification' AND to_email = $1`,
          [a.users.editor.email],
        );
        expect(queued).toEqual([]);
      });
      const [mail] = await sent(a, 'editor');
      expect(mail).toMatchObject({ subject: 'Credits are running low', to_email: a.users.editor.email });
      expect(mail.html).toContain(`href="${t.config.frontendUrl.replace(/\/+$/, '')}/account/billing"`);
      expect(mail.text).toContain('Your account has 50 credits left.');
      expect(await sent(a, 'owner')).toHaveLength(1);
      for (const role of ['admin', 'viewer'] as const) expect(await sent(a, role), role).toEqual([]);
      expect(await sent(b, 'owner')).toEqual([]);
    });

    it('are not sent when the transaction rolls back', async () => {
      await email(a, 'editor', true);
      const ledger = t.app.get(CreditLedger);
      const change = await lowCredits();
      await expect(
        db.transaction(async (manager) => {
          await ledger.record(change, manager);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await sent(a, 'editor')).toEqual([]);
      expect(results(await call('GET', '', a.users.editor.auth))).toEqual([]);
    });

    it('of a notification for one user reach only that user, escaped; inactive users get none', async () => {
      await email(a, 'editor', true);
      await email(a, 'viewer', true);
      const notifier = t.app.get(Notifier);
      const notice = (userId: number) =>
        db.transaction((manager) =>
          notifier.notify(manager, {
            accountId: a.accountId,
            userId,
            type: 'credits_low',
            title: 'Low <b>now</b>',
            message: 'Only <script>x</script> left',
          }),
        );
      await notice(a.users.viewer.id);
      const [mail] = await sent(a, 'viewer');
      expect(mail.subject).toBe('Low <b>now</b>');
      expect(mail.html).toContain('<p>Only &lt;script&gt;x&lt;/script&gt; left</p>');
      expect(mail.html).toContain(`href="${t.config.frontendUrl.replace(/\/+$/, '')}/notifications"`);
      expect(await sent(a, 'editor')).toEqual([]);
      await db.query('UPDATE igny8_users SET is_active = false WHERE id = $1', [a.users.editor.id]);
      try {
        await notice(a.users.editor.id);
        expect(await sent(a, 'editor')).toEqual([]);
      } finally {
        await db.query('UPDATE igny8_users SET is_active = true WHERE id = $1', [a.users.editor.id]);
      }
    });
  });

  it('is created for the user when an AI task completes', async () => {
    const aiCall = api(t);
    await db.query('UPDATE igny8_accounts SET credits = 5000 WHERE id = $1', [a.accountId]);
    const ids = await addTasks(t, a, 1, 500);
    const taskId = await start(aiCall, 'writer/tasks/auto_generate_content/', a.users.editor.auth, { ids });
    await settle(t, aiCall, taskId, a.users.editor.auth);
    const listed = results(await call('GET', '?notification_type=ai_task_completed', a.users.editor.auth));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      user_id: a.users.editor.id,
      site_id: a.siteIds[0],
      severity: 'success',
    });
    expect(listed[0].metadata).toMatchObject({ task_id: taskId, function: 'generate_content' });
    // It is the editor's own: the viewer does not see it.
    expect((await call('GET', '?notification_type=ai_task_completed', a.users.viewer.auth)).body.count).toBe(
      0,
    );
  });
});
