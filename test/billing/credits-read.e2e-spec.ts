import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { listRoutes } from '../support/routes.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import { seedDeveloper, tableColumns } from '../users/support.js';

type Headers = Record<string, string>;
type Body = Record<string, unknown>;

interface Response {
  status: number;
  body: Body;
}

/** A ledger entry inserted with SQL at a fixed instant (the columns obey the ledger's checks). */
interface Entry {
  type: string;
  plan?: number;
  bonus?: number;
  planAfter: number;
  bonusAfter: number;
  at: string;
  reference?: string;
}

/** A usage log inserted with SQL; `at` is an SQL timestamptz expression. */
interface Usage {
  operation: string;
  credits: number;
  cost?: string;
  model?: string;
  siteId?: number | null;
  at: string;
}

const KOLKATA = 'Asia/Kolkata';
const NEW_YORK = 'America/New_York';

describe('credit reads (billing/credits/…, billing/transactions/…, account/usage/analytics/)', () => {
  let t: TestApp;
  let db: DataSource;
  /** Asia/Kolkata (UTC+05:30): the fixed-date rows of March 2024 and this month's rows. */
  let a: SeededTenant;
  /** UTC: the other tenant whose rows must never show. */
  let b: SeededTenant;
  /** America/New_York: rows relative to today, for the analytics. */
  let c: SeededTenant;
  let tx: Record<'t1' | 't2' | 't3' | 't4' | 'foreign', number>;
  let logs: Record<'u1' | 'u2' | 'u3' | 'u4' | 'monthStart' | 'now' | 'beforeMonth' | 'foreign', number>;

  const get = async (url: string, headers: Headers): Promise<Response> => {
    const response = await t.request({ method: 'GET', url: `/api/v1/${url}`, headers });
    return { status: response.statusCode, body: response.json<Body>() };
  };
  const data = (response: Response) => response.body.data as Body;
  const ids = (response: Response) => (response.body.results as Body[]).map((row) => row.id);
  const viewer = () => a.users.viewer.auth;

  async function ledger(accountId: number, entry: Entry): Promise<number> {
    const plan = entry.plan ?? 0;
    const bonus = entry.bonus ?? 0;
    const [{ id }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_credit_transactions (account_id, transaction_type, amount, plan_amount, bonus_amount,
         balance_after, plan_balance_after, bonus_balance_after, description, reference_id, metadata, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        accountId,
        entry.type,
        plan + bonus,
        plan,
        bonus,
        entry.planAfter + entry.bonusAfter,
        entry.planAfter,
        entry.bonusAfter,
        `${entry.type} entry`,
        entry.reference ?? null,
        { source: 'test' },
        entry.at,
      ],
    );
    return id;
  }

  async function usage(accountId: number, log: Usage): Promise<number> {
    const [{ id }] = await db.query<{ id: number }[]>(
      `INSERT INTO igny8_credit_usage_logs (account_id, site_id, operation_type, credits_used, cost_usd, model_used,
         tokens_input, tokens_output, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 100, 50, ${log.at}) RETURNING id`,
      [
        accountId,
        log.siteId ?? null,
        log.operation,
        log.credits,
        log.cost ?? '0',
        log.model ?? 'gpt-4o-mini',
      ],
    );
    return id;
  }

  /** Today and the 1st of this month in `zone`. */
  async function calendar(zone: string): Promise<{ today: string; monthStart: string }> {
    const [row] = await db.query<{ today: string; month_start: string }[]>(
      `SELECT to_char(now() AT TIME ZONE $1, 'YYYY-MM-DD') AS today,
              to_char(date_trunc('month', now() AT TIME ZONE $1), 'YYYY-MM-DD') AS month_start`,
      [zone],
    );
    return { today: row.today, monthStart: row.month_start };
  }

  /** SQL for local midnight `daysAgo` days before today in `zone`, plus `seconds`. */
  const localMidnight = (zone: string, daysAgo: number, seconds = 0) =>
    `((date_trunc('day', now() AT TIME ZONE '${zone}') - interval '${daysAgo} days') AT TIME ZONE '${zone}'` +
    ` + interval '${seconds} seconds')`;

  /** `count` dates ending with `last`, oldest first. */
  const datesUntil = (last: string, count: number) =>
    Array.from({ length: count }, (_, i) =>
      new Date(Date.parse(`${last}T00:00:00Z`) - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10),
    );

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    a = await seedTenant(t.app, { sites: 2, plan: 'growth' });
    b = await seedTenant(t.app, { sites: 1 });
    c = await seedTenant(t.app, { sites: 2 });
    await db.query(
      `UPDATE igny8_accounts SET account_timezone = $2, credits = 700, bonus_credits = 300, held_credits = 50,
         usage_ahrefs_queries = 7 WHERE id = $1`,
      [a.accountId, KOLKATA],
    );
    await db.query('UPDATE igny8_accounts SET account_timezone = $2 WHERE id = $1', [c.accountId, NEW_YORK]);

    // Kolkata midnight of 2024-03-10 is 2024-03-09T18:30:00Z.
    tx = {
      t1: await ledger(a.accountId, {
        type: 'subscription',
        plan: 2000,
        planAfter: 2000,
        bonusAfter: 0,
        at: '2024-03-09T18:29:59Z',
        reference: 'INV-1',
      }),
      t2: await ledger(a.accountId, {
        type: 'purchase',
        bonus: 300,
        planAfter: 2000,
        bonusAfter: 300,
        at: '2024-03-09T18:30:00Z',
      }),
      t3: await ledger(a.accountId, {
        type: 'deduction',
        plan: -50,
        planAfter: 1950,
        bonusAfter: 300,
        at: '2024-03-10T18:29:59.999Z',
        reference: 'ai:task:content:1',
      }),
      t4: await ledger(a.accountId, {
        type: 'adjustment',
        plan: 25,
        planAfter: 1975,
        bonusAfter: 300,
        at: '2024-03-10T18:30:00Z',
      }),
      foreign: await ledger(b.accountId, {
        type: 'subscription',
        plan: 1000,
        planAfter: 1000,
        bonusAfter: 0,
        at: '2024-03-10T06:00:00Z',
      }),
    };

    const [a1, a2] = a.siteIds;
    const monthStart = `(date_trunc('month', now() AT TIME ZONE '${KOLKATA}') AT TIME ZONE '${KOLKATA}')`;
    logs = {
      u1: await usage(a.accountId, {
        operation: 'clustering',
        credits: 2,
        cost: '0.000150',
        siteId: a1,
        at: "'2024-03-09T18:29:59Z'",
      }),
      u2: await usage(a.accountId, {
        operation: 'content_generation',
        credits: 9,
        cost: '0.012000',
        model: 'gpt-4o',
        siteId: a2,
        at: "'2024-03-09T18:30:00Z'",
      }),
      u3: await usage(a.accountId, {
        operation: 'image_generation',
        credits: 4,
        cost: '0.040000',
        model: 'dall-e-3',
        siteId: a1,
        at: "'2024-03-10T12:00:00Z'",
      }),
      u4: await usage(a.accountId, {
        operation: 'clustering',
        credits: 3,
        cost: '0.000200',
        at: "'2024-03-11T18:29:59Z'",
      }),
      monthStart: await usage(a.accountId, { operation: 'idea_generation', credits: 7, at: monthStart }),
      now: await usage(a.accountId, { operation: 'idea_generation', credits: 5, at: 'now()' }),
      // Just before this month in Kolkata: never part of this month's figures.
      beforeMonth: await usage(a.accountId, {
        operation: 'idea_generation',
        credits: 100,
        at: `(${monthStart} - interval '1 second')`,
      }),
      foreign: await usage(b.accountId, {
        operation: 'clustering',
        credits: 500,
        siteId: b.siteIds[0],
        at: "'2024-03-10T12:00:00Z'",
      }),
    };
    await usage(b.accountId, { operation: 'idea_generation', credits: 1000, at: 'now()' });
  });
  afterAll(() => t.close());

  describe('balance', () => {
    it('reports both pools, the holds, the plan grant and the usage since the 1st in the account time zone', async () => {
      const expected = {
        credits: 1000,
        plan_credits: 700,
        bonus_credits: 300,
        held_credits: 50,
        plan_credits_per_month: 2000,
        credits_used_this_month: 12,
        credits_remaining: 1000,
      };
      for (const url of [
        'billing/credits/balance/',
        'billing/transactions/balance/',
        'billing/credits/balance',
      ]) {
        const response = await get(url, viewer());
        expect(response.status).toBe(200);
        expect(data(response)).toEqual(expected);
      }
    });

    it('shows the other tenant its own figures', async () => {
      const response = await get('billing/credits/balance/', b.users.viewer.auth);
      expect(data(response)).toMatchObject({
        credits: 1000,
        plan_credits: 1000,
        credits_used_this_month: 1000,
      });
    });
  });

  describe('transactions', () => {
    it('lists every column of the account entries, newest first, and nothing of other accounts', async () => {
      const response = await get('billing/transactions/', viewer());
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ success: true, count: 4, next: null, previous: null });
      expect(ids(response)).toEqual([tx.t4, tx.t3, tx.t2, tx.t1]);
      const deduction = (response.body.results as Body[])[1];
      expect(deduction).toEqual({
        id: tx.t3,
        created_at: '2024-03-10T18:29:59.999Z',
        account_id: a.accountId,
        transaction_type: 'deduction',
        amount: -50,
        plan_amount: -50,
        bonus_amount: 0,
        balance_after: 2250,
        plan_balance_after: 1950,
        bonus_balance_after: 300,
        description: 'deduction entry',
        reference_id: 'ai:task:content:1',
        metadata: { source: 'test' },
      });
      expect(Object.keys(deduction).sort()).toEqual(
        (await tableColumns(t, 'igny8_credit_transactions')).sort(),
      );
      const alias = await get('billing/credits/transactions/', viewer());
      expect(ids(alias)).toEqual(ids(response));
    });

    it('filters by type and by inclusive days of the account time zone', async () => {
      const cases: [string, number[]][] = [
        ['start_date=2024-03-10&end_date=2024-03-10', [tx.t3, tx.t2]],
        ['start_date=2024-03-10', [tx.t4, tx.t3, tx.t2]],
        ['end_date=2024-03-09', [tx.t1]],
        ['start_date=2024-03-11&end_date=2024-03-11', [tx.t4]],
        ['start_date=2024-03-12&end_date=2024-03-10', []],
        ['transaction_type=deduction', [tx.t3]],
        ['transaction_type=subscription', [tx.t1]],
        ['transaction_type=refund', []],
        ['transaction_type=purchase&start_date=2024-03-11', []],
        ['transaction_type=&start_date=', [tx.t4, tx.t3, tx.t2, tx.t1]],
      ];
      for (const [query, expected] of cases) {
        const response = await get(`billing/transactions/?${query}`, viewer());
        expect(response.status, query).toBe(200);
        expect(ids(response), query).toEqual(expected);
        expect(response.body.count, query).toBe(expected.length);
      }
    });

    it('orders by created_at or amount and pages with links that keep the query', async () => {
      expect(ids(await get('billing/transactions/?ordering=amount', viewer()))).toEqual([
        tx.t3,
        tx.t4,
        tx.t2,
        tx.t1,
      ]);
      expect(ids(await get('billing/transactions/?ordering=-amount', viewer()))).toEqual([
        tx.t1,
        tx.t2,
        tx.t4,
        tx.t3,
      ]);
      expect(ids(await get('billing/transactions/?ordering=created_at', viewer()))).toEqual([
        tx.t1,
        tx.t2,
        tx.t3,
        tx.t4,
      ]);
      // An unknown ordering field falls back to the default.
      expect(ids(await get('billing/transactions/?ordering=balance_after', viewer()))).toEqual([
        tx.t4,
        tx.t3,
        tx.t2,
        tx.t1,
      ]);

      const first = await get('billing/transactions/?ordering=amount&page_size=3', viewer());
      expect(first.body).toMatchObject({ count: 4, previous: null });
      expect(ids(first)).toEqual([tx.t3, tx.t4, tx.t2]);
      const next = new URL(first.body.next as string);
      expect(next.pathname).toBe('/api/v1/billing/transactions/');
      expect(Object.fromEntries(next.searchParams)).toEqual({
        ordering: 'amount',
        page_size: '3',
        page: '2',
      });
      const second = await get(`billing/transactions/${next.search}`, viewer());
      expect(ids(second)).toEqual([tx.t1]);
      expect(second.body.next).toBeNull();
      expect(second.body.previous).not.toBeNull();
      const beyond = await get('billing/transactions/?page_size=3&page=3', viewer());
      expect(beyond.status).toBe(404);
      expect(beyond.body.error).toBe('Invalid page.');
    });

    it('answers 400 on bad filter and page values', async () => {
      const cases: [string, string][] = [
        ['start_date=2024-02-30', 'start_date'],
        ['end_date=10-03-2024', 'end_date'],
        ['start_date=2024-03-10T00:00:00Z', 'start_date'],
        ['transaction_type=gift', 'transaction_type'],
        ['page_size=101', 'page_size'],
        ['page=0', 'page'],
      ];
      for (const [query, field] of cases) {
        const response = await get(`billing/transactions/?${query}`, viewer());
        expect(response.status, query).toBe(400);
        expect(response.body.code, query).toBe('validation_error');
        expect(Object.keys(response.body.errors as Body), query).toEqual([field]);
      }
      const date = await get('billing/transactions/?start_date=2024-02-30', viewer());
      expect(date.body.errors).toEqual({
        start_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
      });
    });

    it("retrieves one entry of the account by id; another account's id, a missing or a bad id is 404", async () => {
      for (const url of [`billing/transactions/${tx.t2}/`, `billing/credits/transactions/${tx.t2}/`]) {
        const response = await get(url, viewer());
        expect(response.status).toBe(200);
        expect(data(response)).toMatchObject({
          id: tx.t2,
          account_id: a.accountId,
          transaction_type: 'purchase',
          amount: 300,
          bonus_amount: 300,
          created_at: '2024-03-09T18:30:00.000Z',
          reference_id: null,
        });
      }
      for (const id of [tx.foreign, 999_999_999, 'abc', 0]) {
        const response = await get(`billing/transactions/${id}/`, viewer());
        expect(response.status, String(id)).toBe(404);
        expect(response.body.code).toBe('not_found');
      }
      const own = await get(`billing/transactions/${tx.foreign}/`, b.users.viewer.auth);
      expect(data(own)).toMatchObject({ id: tx.foreign, account_id: b.accountId });
    });
  });

  describe('usage', () => {
    const march = 'start_date=2024-03-01&end_date=2024-03-31';

    it('lists every column of the account usage logs, newest first', async () => {
      const response = await get('billing/credits/usage/', viewer());
      expect(response.status).toBe(200);
      expect(response.body.count).toBe(7);
      expect(ids(response)).toEqual([
        logs.now,
        logs.monthStart,
        logs.beforeMonth,
        logs.u4,
        logs.u3,
        logs.u2,
        logs.u1,
      ]);
      const image = (response.body.results as Body[]).find((row) => row.id === logs.u3)!;
      expect(image).toEqual({
        id: logs.u3,
        created_at: '2024-03-10T12:00:00.000Z',
        account_id: a.accountId,
        site_id: a.siteIds[0],
        user_id: null,
        operation_type: 'image_generation',
        credits_used: 4,
        cost_usd: '0.040000',
        model_used: 'dall-e-3',
        tokens_input: 100,
        tokens_output: 50,
        related_object_type: null,
        related_object_id: null,
        task_id: null,
        transaction_id: null,
        metadata: {},
      });
      expect(Object.keys(image).sort()).toEqual((await tableColumns(t, 'igny8_credit_usage_logs')).sort());
    });

    it('filters by operation, site, model and inclusive local days', async () => {
      const [a1, a2] = a.siteIds;
      const cases: [string, number[]][] = [
        ['start_date=2024-03-10&end_date=2024-03-10', [logs.u3, logs.u2]],
        ['start_date=2024-03-09&end_date=2024-03-09', [logs.u1]],
        ['start_date=2024-03-11&end_date=2024-03-11', [logs.u4]],
        [`operation_type=clustering&${march}`, [logs.u4, logs.u1]],
        [`site_id=${a1}&${march}`, [logs.u3, logs.u1]],
        [`site_id=${a2}`, [logs.u2]],
        [`model_used=gpt-4o`, [logs.u2]],
        [`model_used=gpt-4o-mini&${march}`, [logs.u4, logs.u1]],
        [`site_id=${b.siteIds[0]}`, []],
        ['site_id=999999999', []],
        ['operation_type=linking', []],
      ];
      for (const [query, expected] of cases) {
        const response = await get(`billing/credits/usage/?${query}`, viewer());
        expect(response.status, query).toBe(200);
        expect(ids(response), query).toEqual(expected);
        expect(response.body.count, query).toBe(expected.length);
      }
    });

    it('orders by credits_used or created_at', async () => {
      expect(ids(await get(`billing/credits/usage/?ordering=credits_used&${march}`, viewer()))).toEqual([
        logs.u1,
        logs.u4,
        logs.u3,
        logs.u2,
      ]);
      expect(ids(await get(`billing/credits/usage/?ordering=-credits_used&${march}`, viewer()))).toEqual([
        logs.u2,
        logs.u3,
        logs.u4,
        logs.u1,
      ]);
      expect(ids(await get(`billing/credits/usage/?ordering=created_at&${march}`, viewer()))).toEqual([
        logs.u1,
        logs.u2,
        logs.u3,
        logs.u4,
      ]);
    });

    it('answers 400 on bad filter values', async () => {
      const cases: [string, string][] = [
        ['operation_type=painting', 'operation_type'],
        ['site_id=abc', 'site_id'],
        ['site_id=0', 'site_id'],
        ['start_date=2024-3-1', 'start_date'],
        ['end_date=tomorrow', 'end_date'],
      ];
      for (const [query, field] of cases) {
        const response = await get(`billing/credits/usage/?${query}`, viewer());
        expect(response.status, query).toBe(400);
        expect(Object.keys(response.body.errors as Body), query).toEqual([field]);
      }
    });
  });

  describe('usage summary', () => {
    it('totals a range by operation, model and local day', async () => {
      const response = await get(
        'billing/credits/usage/summary/?start_date=2024-03-09&end_date=2024-03-11',
        viewer(),
      );
      expect(response.status).toBe(200);
      expect(data(response)).toEqual({
        start_date: '2024-03-09',
        end_date: '2024-03-11',
        total_credits: 18,
        total_cost_usd: '0.052350',
        total_operations: 4,
        by_operation: [
          { operation_type: 'content_generation', credits: 9, count: 1 },
          { operation_type: 'clustering', credits: 5, count: 2 },
          { operation_type: 'image_generation', credits: 4, count: 1 },
        ],
        by_model: [
          { model_used: 'gpt-4o', credits: 9, count: 1 },
          { model_used: 'gpt-4o-mini', credits: 5, count: 2 },
          { model_used: 'dall-e-3', credits: 4, count: 1 },
        ],
        by_day: [
          { date: '2024-03-09', credits: 2 },
          { date: '2024-03-10', credits: 13 },
          { date: '2024-03-11', credits: 3 },
        ],
      });
    });

    it('reads one local day, and an empty range as zeros', async () => {
      const day = await get(
        'billing/credits/usage/summary/?start_date=2024-03-10&end_date=2024-03-10',
        viewer(),
      );
      expect(data(day)).toMatchObject({ total_credits: 13, total_cost_usd: '0.052000', total_operations: 2 });
      const empty = await get(
        'billing/credits/usage/summary/?start_date=2020-01-01&end_date=2020-12-31',
        viewer(),
      );
      expect(data(empty)).toEqual({
        start_date: '2020-01-01',
        end_date: '2020-12-31',
        total_credits: 0,
        total_cost_usd: '0.000000',
        total_operations: 0,
        by_operation: [],
        by_model: [],
        by_day: [],
      });
    });

    it('defaults to the current month of the account time zone, up to today', async () => {
      const { today, monthStart } = await calendar(KOLKATA);
      const response = await get('billing/credits/usage/summary/', viewer());
      expect(data(response)).toMatchObject({
        start_date: monthStart,
        end_date: today,
        total_credits: 12,
        total_operations: 2,
        by_operation: [{ operation_type: 'idea_generation', credits: 12, count: 2 }],
      });
      const days = (data(response).by_day as { date: string; credits: number }[]).map((d) => d.credits);
      expect(days.reduce((sum, credits) => sum + credits, 0)).toBe(12);
    });

    it('answers 400 on a malformed date or a start after the end', async () => {
      const cases: [string, Body][] = [
        [
          'start_date=2024-13-01',
          { start_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] },
        ],
        [
          'end_date=yesterday',
          { end_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] },
        ],
        [
          'start_date=2024-03-11&end_date=2024-03-10',
          { end_date: ['Ensure this date is on or after start_date.'] },
        ],
        ['start_date=2999-01-01', { end_date: ['Ensure this date is on or after start_date.'] }],
      ];
      for (const [query, errors] of cases) {
        const response = await get(`billing/credits/usage/summary/?${query}`, viewer());
        expect(response.status, query).toBe(400);
        expect(response.body).toMatchObject({
          code: 'validation_error',
          error: 'Validation failed.',
          errors,
        });
      }
    });
  });

  describe('limits', () => {
    it('reports the plan and the used counts of its limits', async () => {
      await db.query(
        `INSERT INTO igny8_sites (account_id, name, slug, deleted_at) VALUES ($1, 'Gone', 'gone-site', now())`,
        [a.accountId],
      );
      await db.query(
        `INSERT INTO igny8_users (account_id, email, username, password_hash, role, deleted_at)
         VALUES ($1, 'bot-limits@example.com', 'bot-limits', 'x', 'system_bot', NULL),
                ($1, 'gone-limits@example.com', 'gone-limits', 'x', 'editor', now())`,
        [a.accountId],
      );
      const seeds = await db.query<{ id: number }[]>(
        'SELECT id FROM igny8_seed_keywords ORDER BY id LIMIT 3',
      );
      for (const [i, seed] of seeds.entries()) {
        await db.query(
          `INSERT INTO igny8_keywords (account_id, site_id, sector_id, seed_keyword_id, deleted_at)
           VALUES ($1, $2, $3, $4, $5)`,
          [a.accountId, a.siteIds[0], a.sectorIds[0][0], seed.id, i === 2 ? new Date() : null],
        );
      }
      const [plan] = await db.query<{ id: number }[]>("SELECT id FROM igny8_plans WHERE slug = 'growth'");
      const response = await get('billing/credits/limits/', viewer());
      expect(response.status).toBe(200);
      expect(data(response)).toEqual({
        plan: { id: plan.id, name: 'Growth', slug: 'growth' },
        limits: {
          sites: { used: 2, limit: 5 },
          users: { used: 4, limit: 3 },
          keywords: { used: 2, limit: 2000 },
          ahrefs_queries: { used: 7, limit: 50 },
        },
      });
      const other = await get('billing/credits/limits/', b.users.viewer.auth);
      expect(data(other)).toMatchObject({
        plan: { slug: 'scale' },
        limits: { sites: { used: 1, limit: 99 }, keywords: { used: 0, limit: 5000 } },
      });
    });
  });

  describe('account/usage/analytics/', () => {
    let today: string;
    let c1: number;
    let c2: number;

    beforeAll(async () => {
      [c1, c2] = c.siteIds;
      today = (await calendar(NEW_YORK)).today;
      await usage(c.accountId, {
        operation: 'content_generation',
        credits: 3,
        siteId: c1,
        at: localMidnight(NEW_YORK, 0),
      });
      await usage(c.accountId, {
        operation: 'clustering',
        credits: 4,
        siteId: c2,
        at: localMidnight(NEW_YORK, 0, -1),
      });
      await usage(c.accountId, {
        operation: 'image_generation',
        credits: 6,
        at: localMidnight(NEW_YORK, 2, 3600),
      });
      await usage(c.accountId, {
        operation: 'clustering',
        credits: 10,
        siteId: c1,
        at: localMidnight(NEW_YORK, 29),
      });
      await usage(c.accountId, {
        operation: 'linking',
        credits: 1000,
        siteId: c1,
        at: localMidnight(NEW_YORK, 29, -1),
      });
      await db.query('UPDATE igny8_sites SET deleted_at = now() WHERE id = $1', [c2]);
    });

    it('covers the last 30 local days by default, with every day present', async () => {
      const response = await get('account/usage/analytics/', c.users.viewer.auth);
      expect(response.status).toBe(200);
      const dates = datesUntil(today, 30);
      const credits = new Map([
        [dates[0], 10],
        [dates[27], 6],
        [dates[28], 4],
        [dates[29], 3],
      ]);
      const [siteName] = await db.query<{ name: string }[]>('SELECT name FROM igny8_sites WHERE id = $1', [
        c1,
      ]);
      expect(data(response)).toEqual({
        period: { start: dates[0], end: today },
        total_credits_used: 23,
        by_operation: [
          { operation_type: 'clustering', credits: 14, count: 2 },
          { operation_type: 'image_generation', credits: 6, count: 1 },
          { operation_type: 'content_generation', credits: 3, count: 1 },
        ],
        by_day: dates.map((date) => ({ date, credits: credits.get(date) ?? 0 })),
        by_site: [
          { site_id: c1, site_name: siteName.name, credits: 13 },
          { site_id: null, site_name: null, credits: 6 },
          { site_id: c2, site_name: null, credits: 4 },
        ],
      });
    });

    it('takes days from 1 to 365', async () => {
      const one = await get('account/usage/analytics/?days=1', c.users.viewer.auth);
      expect(data(one)).toMatchObject({
        period: { start: today, end: today },
        total_credits_used: 3,
        by_day: [{ date: today, credits: 3 }],
      });
      const longer = await get('account/usage/analytics/?days=31', c.users.viewer.auth);
      expect(data(longer).total_credits_used).toBe(1023);
      expect((data(longer).by_day as Body[])[0]).toEqual({ date: datesUntil(today, 31)[0], credits: 1000 });
      const year = await get('account/usage/analytics/?days=365', c.users.viewer.auth);
      expect(year.status).toBe(200);
      expect(data(year).by_day as Body[]).toHaveLength(365);
      expect(data(year).period).toEqual({ start: datesUntil(today, 365)[0], end: today });
    });

    it('answers 400 on days outside 1–365 or not a whole number', async () => {
      const cases: [string, string][] = [
        ['0', 'Ensure this value is greater than or equal to 1.'],
        ['366', 'Ensure this value is less than or equal to 365.'],
        ['abc', 'A valid integer is required.'],
        ['-1', 'A valid integer is required.'],
        ['1.5', 'A valid integer is required.'],
      ];
      for (const [days, message] of cases) {
        const response = await get(`account/usage/analytics/?days=${days}`, c.users.viewer.auth);
        expect(response.status, days).toBe(400);
        expect(response.body).toMatchObject({ code: 'validation_error', errors: { days: [message] } });
      }
    });

    it("never counts another account's usage", async () => {
      // This month's two rows and the one just before the month; March 2024 is over a year ago.
      const response = await get('account/usage/analytics/?days=365', a.users.viewer.auth);
      expect(data(response)).toMatchObject({
        total_credits_used: 112,
        by_operation: [{ operation_type: 'idea_generation', credits: 112, count: 3 }],
        by_site: [{ site_id: null, site_name: null, credits: 112 }],
      });
    });
  });

  describe('access', () => {
    it('declares role viewer, no API key, throttle billing (account/: default) and the billing/ gate exemption', () => {
      const declared = listRoutes(t.app)
        .filter((route) => /^\/api\/v1\/(billing\/(credits|transactions)|account\/usage)/.test(route.path))
        .map((r) => `${r.method} ${r.path} ${r.role} key=${r.apiKey} ${r.throttle} exempt=${r.gateExempt}`);
      expect(declared).toEqual([
        'GET /api/v1/account/usage/analytics viewer key=false default exempt=false',
        'GET /api/v1/billing/credits/balance viewer key=false billing exempt=true',
        'GET /api/v1/billing/credits/limits viewer key=false billing exempt=true',
        'GET /api/v1/billing/credits/transactions viewer key=false billing exempt=true',
        'GET /api/v1/billing/credits/transactions/:id viewer key=false billing exempt=true',
        'GET /api/v1/billing/credits/usage viewer key=false billing exempt=true',
        'GET /api/v1/billing/credits/usage/summary viewer key=false billing exempt=true',
        'GET /api/v1/billing/transactions viewer key=false billing exempt=true',
        'GET /api/v1/billing/transactions/:id viewer key=false billing exempt=true',
        'GET /api/v1/billing/transactions/balance viewer key=false billing exempt=true',
      ]);
    });

    it('documents every operation with a summary and its response schema', async () => {
      const schema = (await t.request({ method: 'GET', url: '/api/schema/' })).json<{
        paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>;
      }>();
      const expected: [string, string][] = [
        ['/api/v1/billing/credits/balance/', 'CreditBalanceDto'],
        ['/api/v1/billing/transactions/balance/', 'CreditBalanceDto'],
        ['/api/v1/billing/transactions/', 'CreditTransactionDto'],
        ['/api/v1/billing/credits/transactions/', 'CreditTransactionDto'],
        ['/api/v1/billing/transactions/{id}/', 'CreditTransactionDto'],
        ['/api/v1/billing/credits/transactions/{id}/', 'CreditTransactionDto'],
        ['/api/v1/billing/credits/usage/', 'CreditUsageLogDto'],
        ['/api/v1/billing/credits/usage/summary/', 'UsageSummaryDto'],
        ['/api/v1/billing/credits/limits/', 'CreditLimitsDto'],
        ['/api/v1/account/usage/analytics/', 'UsageAnalyticsDto'],
      ];
      for (const [path, model] of expected) {
        const operation = schema.paths[path]?.get;
        expect(operation?.summary, path).toBeTruthy();
        expect(JSON.stringify(operation?.responses['200']), path).toContain(`#/components/schemas/${model}`);
      }
    });

    const routes = () => [
      'billing/credits/balance/',
      'billing/transactions/balance/',
      'billing/transactions/',
      'billing/credits/transactions/',
      `billing/transactions/${tx.t1}/`,
      `billing/credits/transactions/${tx.t1}/`,
      'billing/credits/usage/',
      'billing/credits/usage/summary/',
      'billing/credits/limits/',
      'account/usage/analytics/',
    ];

    it('lets every role of the account read, and refuses site API keys and anonymous callers', async () => {
      for (const url of routes()) {
        for (const role of ['viewer', 'editor', 'admin', 'owner'] as const) {
          expect((await get(url, a.users[role].auth)).status, `${role} ${url}`).toBe(200);
        }
        const key = await get(url, { 'x-igny8-api-key': a.apiKeys[0] });
        expect(key.status, url).toBe(403);
        expect(key.body).toMatchObject({
          code: 'api_key_not_allowed',
          error: 'This endpoint is not available with an API key.',
        });
        const bearerKey = await get(url, { authorization: `Bearer ${a.apiKeys[0]}` });
        expect(bearerKey.body.code, url).toBe('api_key_not_allowed');
        expect((await get(url, {})).body.code, url).toBe('authentication_required');
      }
    });

    it('keeps billing/ reachable for a suspended account, unlike account/usage/analytics/', async () => {
      const suspended = await seedTenant(t.app, { sites: 0 });
      await db.query("UPDATE igny8_accounts SET status = 'suspended' WHERE id = $1", [suspended.accountId]);
      for (const url of routes().filter((route) => route.startsWith('billing/') && !/\/\d+\/$/.test(route))) {
        expect((await get(url, suspended.users.viewer.auth)).status, url).toBe(200);
      }
      const analytics = await get('account/usage/analytics/', suspended.users.viewer.auth);
      expect(analytics.status).toBe(403);
      expect(analytics.body.code).toBe('account_inactive');
    });

    it("shows a developer only their own account's rows", async () => {
      const developer = await seedDeveloper(t);
      await usage(developer.accountId, { operation: 'optimization', credits: 2, at: 'now()' });
      const transactions = await get('billing/transactions/', developer.auth);
      expect(transactions.body.count).toBe(0);
      expect((await get(`billing/transactions/?account_id=${a.accountId}`, developer.auth)).body.count).toBe(
        0,
      );
      expect((await get(`billing/transactions/${tx.t1}/`, developer.auth)).status).toBe(404);
      const usageList = await get(`billing/credits/usage/?account_id=${a.accountId}`, developer.auth);
      expect(usageList.body.count).toBe(1);
      expect((usageList.body.results as Body[])[0]).toMatchObject({
        account_id: developer.accountId,
        credits_used: 2,
      });
      const balance = await get('billing/credits/balance/', developer.auth);
      expect(data(balance)).toMatchObject({
        credits: 1000,
        credits_used_this_month: 2,
        plan_credits_per_month: 0,
      });
      const limits = await get('billing/credits/limits/', developer.auth);
      expect(data(limits)).toMatchObject({
        plan: { slug: 'internal' },
        limits: {
          sites: { limit: null },
          users: { limit: null },
          keywords: { limit: null },
          ahrefs_queries: { limit: null },
        },
      });
      const analytics = await get('account/usage/analytics/', developer.auth);
      expect(data(analytics)).toMatchObject({ total_credits_used: 2 });
    });
  });
});
