import type { HTTPMethods } from 'fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreditLedger } from '../../src/modules/billing/credit-ledger.service.js';
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
