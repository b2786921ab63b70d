import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { DatabaseError } from 'pg';
import { DataSource, QueryFailedError, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyKey } from '../../src/common/idempotency/idempotency-key.entity.js';
import { Account } from '../../src/modules/identity/entities/account.entity.js';
import { IndustrySector } from '../../src/modules/catalogue/entities/industry-sector.entity.js';
import { Industry } from '../../src/modules/catalogue/entities/industry.entity.js';
import { Plan } from '../../src/modules/catalogue/entities/plan.entity.js';
import { Sector } from '../../src/modules/identity/entities/sector.entity.js';
import { SeedKeyword } from '../../src/modules/catalogue/entities/seed-keyword.entity.js';
import { Site } from '../../src/modules/identity/entities/site.entity.js';
import { Subscription } from '../../src/modules/identity/entities/subscription.entity.js';
import { User } from '../../src/modules/identity/entities/user.entity.js';
import { CreditTransaction } from '../../src/modules/billing/entities/credit-transaction.entity.js';
import { createTestApp, type TestApp } from '../support/app.js';

/** The database error behind a failed write: SQLSTATE and constraint name. */
async function violation(write: Promise<unknown>): Promise<{ code: string; constraint: string }> {
  const error: unknown = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueryFailedError);
  const { code, constraint } = (error as QueryFailedError<DatabaseError>).driverError;
  return { code: code ?? '', constraint: constraint ?? '' };
}

describe('identity schema and reference data', () => {
  let t: TestApp;
  let db: DataSource;
  let plans: Map<string, Plan>;
  let counter = 0;

  const unique = (prefix: string): string => `${prefix}-${++counter}-${randomUUID().slice(0, 8)}`;
  const insert = <T extends ObjectLiteral>(entity: EntityTarget<T>, values: Partial<T>): Promise<T> =>
    db.getRepository(entity).save(db.getRepository(entity).create(values as T));

  const newAccount = (values: Partial<Account> = {}): Promise<Account> =>
    insert(Account, { name: 'Acme', slug: unique('acme'), plan_id: plans.get('free-trial')!.id, ...values });

  const newUser = (account: Account, values: Partial<User> = {}): Promise<User> => {
    const name = unique('user');
    return insert(User, {
      account_id: account.id,
      email: `${name}@example.com`,
      username: name,
      password_hash: 'x',
      ...values,
    });
  };

  const newSite = (account: Account, values: Partial<Site> = {}): Promise<Site> =>
    insert(Site, { account_id: account.id, name: 'Site', slug: unique('site'), ...values });

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    plans = new Map((await db.getRepository(Plan).find()).map((plan) => [plan.slug, plan]));
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('reference data', () => {
    it('has the seeded plans with their limits and credits', () => {
      const table = [...plans.values()]
        .sort((a, b) => a.sort_order - b.sort_order)
        .map((p) => [
          p.slug,
          p.name,
          p.price,
          p.included_credits,
          p.max_sites,
          p.max_users,
          p.max_keywords,
          p.max_ahrefs_queries,
          p.is_internal,
          p.is_active,
          p.currency,
          p.billing_cycle,
        ]);
      expect(table).toEqual([
        ['free-trial', 'Free Trial', '0.00', 2000, 1, 1, 500, 50, false, true, 'USD', 'monthly'],
        ['starter', 'Starter', '89.00', 1000, 2, 2, 500, 50, false, true, 'USD', 'monthly'],
        ['growth', 'Growth', '139.00', 2000, 5, 3, 2000, 50, false, true, 'USD', 'monthly'],
        ['scale', 'Scale', '229.00', 5000, 99, 5, 5000, 50, false, true, 'USD', 'monthly'],
        ['internal', 'Internal', '0.00', 0, null, null, null, null, true, true, 'USD', 'monthly'],
      ]);
      expect(plans.get('free-trial')!.features).toEqual({});
    });

    it('has the baseline industries with their sectors', async () => {
      const industries = await db.getRepository(Industry).find({ order: { sort_order: 'ASC' } });
      const sectors = await db.getRepository(IndustrySector).find({ order: { sort_order: 'ASC' } });
      const tree = industries.map((industry) => ({
        slug: industry.slug,
        name: industry.name,
        sectors: sectors.filter((s) => s.industry_id === industry.id).map((s) => `${s.slug}:${s.name}`),
      }));
      expect(tree).toEqual([
        {
          slug: 'technology',
          name: 'Technology',
          sectors: [
            'software-development:Software Development',
            'cloud-computing:Cloud Computing',
            'cybersecurity:Cybersecurity',
          ],
        },
        {
          slug: 'health-wellness',
          name: 'Health & Wellness',
          sectors: ['nutrition:Nutrition', 'fitness:Fitness', 'mental-health:Mental Health'],
        },
        {
          slug: 'home-garden',
          name: 'Home & Garden',
          sectors: [
            'gardening:Gardening',
            'interior-design:Interior Design',
            'home-improvement:Home Improvement',
          ],
        },
      ]);
      expect(industries.every((i) => i.is_active) && sectors.every((s) => s.is_active)).toBe(true);
    });

    it('has six baseline seed keywords per sector, one of each intent at least', async () => {
      const seeds = await db.getRepository(SeedKeyword).find();
      const sectors = await db.getRepository(IndustrySector).find();
      expect(seeds).toHaveLength(54);
      for (const sector of sectors) {
        const own = seeds.filter((seed) => seed.sector_id === sector.id);
        expect(own).toHaveLength(6);
        expect(own.every((seed) => seed.industry_id === sector.industry_id)).toBe(true);
        expect(new Set(own.map((seed) => seed.intent)).size).toBe(4);
      }
      expect(seeds.every((seed) => seed.country === 'US' && seed.is_active)).toBe(true);
      expect(seeds.find((seed) => seed.keyword === 'github login')).toMatchObject({
        volume: 165000,
        difficulty: 25,
        intent: 'navigational',
      });
    });
  });

  describe('ids and column types', () => {
    it('returns bigint ids and foreign keys as JS numbers, decimals as strings', async () => {
      const account = await newAccount();
      const user = await newUser(account);
      expect(typeof account.id).toBe('number');
      expect(typeof user.id).toBe('number');

      const loaded = await db.getRepository(Account).findOneByOrFail({ id: account.id });
      expect(loaded).toMatchObject({ id: account.id, plan_id: plans.get('free-trial')!.id });
      expect(typeof loaded.plan_id).toBe('number');
      expect(loaded).toMatchObject({ credits: 0, bonus_credits: 0, held_credits: 0, status: 'trial' });
      expect(loaded.created_at).toBeInstanceOf(Date);

      const [raw] = await db.query<{ id: unknown; account_id: unknown }[]>(
        'SELECT id, account_id FROM igny8_users WHERE id = $1',
        [user.id],
      );
      expect(raw).toEqual({ id: user.id, account_id: account.id });
      expect(typeof plans.get('growth')!.id).toBe('number');
      expect(plans.get('growth')!.price).toBe('139.00');
    });

    it('stamps updated_at on update', async () => {
      const account = await newAccount();
      await db.getRepository(Account).update(account.id, { name: 'Renamed' });
      const loaded = await db.getRepository(Account).findOneByOrFail({ id: account.id });
      expect(loaded.updated_at.getTime()).toBeGreaterThan(account.updated_at.getTime());
    });
  });

  describe('CHECK constraints', () => {
    it.each([
      ['account status', () => newAccount({ status: 'frozen' as never }), 'igny8_accounts_status_check'],
      ['negative plan credits', () => newAccount({ credits: -1 }), 'igny8_accounts_credits_check'],
      [
        'negative bonus credits',
        () => newAccount({ bonus_credits: -5 }),
        'igny8_accounts_bonus_credits_check',
      ],
      ['negative held credits', () => newAccount({ held_credits: -1 }), 'igny8_accounts_held_credits_check'],
      [
        'plan billing cycle',
        () => insert(Plan, { name: 'X', slug: unique('p'), billing_cycle: 'weekly' as never }),
        'igny8_plans_billing_cycle_check',
      ],
      [
        'plan max_sites 0',
        () => insert(Plan, { name: 'X', slug: unique('p'), max_sites: 0 }),
        'igny8_plans_max_sites_check',
      ],
    ])('rejects a bad %s', async (_label, write, constraint) => {
      expect(await violation(write())).toEqual({ code: '23514', constraint });
    });

    it('rejects bad enum values and ranges on users, sites, subscriptions, seeds and the ledger', async () => {
      const account = await newAccount();
      const tech = await db.getRepository(IndustrySector).findOneByOrFail({ slug: 'cloud-computing' });
      const cases: [() => Promise<unknown>, string][] = [
        [() => newUser(account, { role: 'root' as never }), 'igny8_users_role_check'],
        [() => newSite(account, { site_type: 'forum' as never }), 'igny8_sites_site_type_check'],
        [() => newSite(account, { hosting_type: 'ftp' as never }), 'igny8_sites_hosting_type_check'],
        [() => newSite(account, { platform_type: 'joomla' as never }), 'igny8_sites_platform_type_check'],
        [
          () =>
            insert(Subscription, {
              account_id: account.id,
              plan_id: account.plan_id,
              status: 'paused' as never,
            }),
          'igny8_subscriptions_status_check',
        ],
        [
          () =>
            insert(Subscription, {
              account_id: account.id,
              plan_id: account.plan_id,
              payment_provider: 'cash' as never,
            }),
          'igny8_subscriptions_payment_provider_check',
        ],
        [
          () =>
            insert(SeedKeyword, {
              keyword: 'x',
              industry_id: tech.industry_id,
              sector_id: tech.id,
              difficulty: 101,
            }),
          'igny8_seed_keywords_difficulty_check',
        ],
        [
          () =>
            insert(SeedKeyword, {
              keyword: 'x',
              industry_id: tech.industry_id,
              sector_id: tech.id,
              volume: -1,
            }),
          'igny8_seed_keywords_volume_check',
        ],
        [
          () =>
            insert(SeedKeyword, {
              keyword: 'x',
              industry_id: tech.industry_id,
              sector_id: tech.id,
              country: 'us',
            }),
          'igny8_seed_keywords_country_check',
        ],
        [
          () =>
            insert(CreditTransaction, {
              account_id: account.id,
              transaction_type: 'gift' as never,
              amount: 1,
              plan_amount: 1,
              balance_after: 1,
              plan_balance_after: 1,
              bonus_balance_after: 0,
            }),
          'igny8_credit_transactions_transaction_type_check',
        ],
        [
          () =>
            insert(CreditTransaction, {
              account_id: account.id,
              transaction_type: 'adjustment',
              amount: 10,
              plan_amount: 3,
              bonus_amount: 3,
              balance_after: 6,
              plan_balance_after: 3,
              bonus_balance_after: 3,
            }),
          'igny8_credit_transactions_amount_split_check',
        ],
        [
          () =>
            insert(CreditTransaction, {
              account_id: account.id,
              transaction_type: 'deduction',
              amount: -5,
              plan_amount: -5,
              balance_after: -5,
              plan_balance_after: -5,
              bonus_balance_after: 0,
            }),
          'igny8_credit_transactions_balances_check',
        ],
      ];
      for (const [write, constraint] of cases) {
        expect(await violation(write())).toEqual({ code: '23514', constraint });
      }
    });
  });

  describe('unique constraints', () => {
    it('allows a duplicate account slug only when the first account is soft-deleted', async () => {
      const first = await newAccount();
      expect(await violation(newAccount({ slug: first.slug }))).toEqual({
        code: '23505',
        constraint: 'igny8_accounts_slug_uniq',
      });
      await db
        .getRepository(Account)
        .update(first.id, { deleted_at: new Date(), deleted_cascade_id: randomUUID() });
      const second = await newAccount({ slug: first.slug });
      expect(second.id).toBeGreaterThan(first.id);
      // Restoring the first one would now collide with the live one.
      expect(await violation(db.getRepository(Account).update(first.id, { deleted_at: null }))).toEqual({
        code: '23505',
        constraint: 'igny8_accounts_slug_uniq',
      });
    });

    it('treats user emails case-insensitively among live users, and usernames likewise partial', async () => {
      const account = await newAccount();
      const first = await newUser(account, { email: 'Same.Person@example.com' });
      expect(await violation(newUser(account, { email: 'same.person@EXAMPLE.com' }))).toEqual({
        code: '23505',
        constraint: 'igny8_users_email_uniq',
      });
      expect(await violation(newUser(account, { username: first.username }))).toEqual({
        code: '23505',
        constraint: 'igny8_users_username_uniq',
      });
      await db.getRepository(User).update(first.id, { deleted_at: new Date() });
      await expect(
        newUser(account, { email: 'same.person@example.com', username: first.username }),
      ).resolves.toMatchObject({ email: 'same.person@example.com' });
    });

    it('keeps site slugs globally unique and sector slugs unique per site among live rows', async () => {
      const [a, b] = [await newAccount(), await newAccount()];
      const site = await newSite(a);
      expect(await violation(newSite(b, { slug: site.slug }))).toEqual({
        code: '23505',
        constraint: 'igny8_sites_slug_uniq',
      });

      const template = await db.getRepository(IndustrySector).findOneByOrFail({ slug: 'fitness' });
      const sector = (values: Partial<Sector> = {}) =>
        insert(Sector, {
          account_id: a.id,
          site_id: site.id,
          industry_sector_id: template.id,
          name: template.name,
          slug: template.slug,
          ...values,
        });
      const first = await sector();
      expect(await violation(sector({ slug: 'other' }))).toEqual({
        code: '23505',
        constraint: 'igny8_sectors_site_id_industry_sector_id_uniq',
      });
      await db.getRepository(Sector).update(first.id, { deleted_at: new Date() });
      await expect(sector()).resolves.toMatchObject({ slug: 'fitness' });

      const keyHash = 'f'.repeat(64);
      await db.getRepository(Site).update(site.id, { deleted_at: new Date(), wp_api_key_hash: keyHash });
      await expect(newSite(b, { slug: site.slug })).resolves.toMatchObject({ slug: site.slug });
      // API key hashes stay unique even against deleted sites.
      expect(await violation(newSite(b, { wp_api_key_hash: keyHash }))).toEqual({
        code: '23505',
        constraint: 'igny8_sites_wp_api_key_hash_uniq',
      });
    });

    it('allows one non-canceled subscription per account', async () => {
      const account = await newAccount();
      const live = await insert(Subscription, {
        account_id: account.id,
        plan_id: account.plan_id,
        status: 'trialing',
      });
      expect(
        await violation(
          insert(Subscription, { account_id: account.id, plan_id: account.plan_id, status: 'active' }),
        ),
      ).toEqual({ code: '23505', constraint: 'igny8_subscriptions_account_id_live_uniq' });
      await db.getRepository(Subscription).update(live.id, { status: 'canceled' });
      await expect(
        insert(Subscription, { account_id: account.id, plan_id: account.plan_id, status: 'active' }),
      ).resolves.toMatchObject({ status: 'active' });
    });

    it('credits a ledger reference at most once per account', async () => {
      const [a, b] = [await newAccount(), await newAccount()];
      const entry = (account: Account) =>
        insert(CreditTransaction, {
          account_id: account.id,
          transaction_type: 'subscription',
          amount: 2000,
          plan_amount: 2000,
          balance_after: 2000,
          plan_balance_after: 2000,
          bonus_balance_after: 0,
          reference_id: 'signup:shared',
        });
      await entry(a);
      expect(await violation(entry(a))).toEqual({
        code: '23505',
        constraint: 'igny8_credit_transactions_account_id_reference_id_uniq',
      });
      await expect(entry(b)).resolves.toMatchObject({ reference_id: 'signup:shared', metadata: {} });
    });
  });

  describe('foreign keys', () => {
    it('ties idempotency keys to an existing account and removes them with it', async () => {
      const row = (accountId: number) => ({
        account_id: accountId,
        key: unique('k'),
        request_hash: 'a'.repeat(64),
        expires_at: new Date(Date.now() + 86_400_000),
      });
      expect((await violation(insert(IdempotencyKey, row(987_654_321)))).code).toBe('23503');

      const account = await newAccount();
      const key = await insert(IdempotencyKey, row(account.id));
      await db.getRepository(Account).delete(account.id);
      expect(await db.getRepository(IdempotencyKey).findOneBy({ id: key.id })).toBeNull();
    });

    it('refuses to delete a plan still used by an account', async () => {
      await newAccount({ plan_id: plans.get('starter')!.id });
      const { code } = await violation(db.getRepository(Plan).delete(plans.get('starter')!.id));
      // ON DELETE RESTRICT: foreign_key_violation, or restrict_violation on PostgreSQL 18 (PGlite).
      expect(['23503', '23001']).toContain(code);
    });
  });
});
