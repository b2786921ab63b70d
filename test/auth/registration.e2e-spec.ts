import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, db, outbox, PASSWORD, register, sessionCookie, uniqueEmail, withCookie } from './helpers.js';

const REGISTER = '/api/v1/auth/register/';

describe('registration', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Throttling on, to check the auth_strict scope of the public auth routes (keyed by IP + email).
    t = await createTestApp({ env: { THROTTLE_ENABLED: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.request({ method: 'POST', url: REGISTER, payload, headers });

  it('free plan: trial account, trialing subscription, credits through the ledger, logged in, welcome email', async () => {
    const email = uniqueEmail('Free.Owner');
    const res = await post({
      email: `  ${email.toUpperCase()} `,
      password: PASSWORD,
      password_confirm: PASSWORD,
      account_name: 'Acme Widgets',
      first_name: 'Jo',
    });
    expect(res.statusCode, res.body).toBe(201);
    const data = res.json().data;
    expect(Object.keys(data).sort()).toEqual([
      'checkout_url',
      'invoice',
      'payment_instructions',
      'subscription',
      'tokens',
      'user',
    ]);
    expect(data).toMatchObject({ invoice: null, checkout_url: null, payment_instructions: null });
    expect(res.body).not.toContain('password_hash');
    expect(res.body).not.toContain('$argon2');

    const { user, subscription, tokens } = data;
    expect(user).toMatchObject({
      email: email.toLowerCase(),
      role: 'owner',
      first_name: 'Jo',
      full_name: 'Jo',
      is_active: true,
    });
    expect(user.account).toMatchObject({
      name: 'Acme Widgets',
      slug: 'acme-widgets',
      status: 'trial',
      owner_id: user.id,
      credits: 2000,
      bonus_credits: 0,
      total_credits: 2000,
      is_system: false,
      is_system_account: false,
      plan: { slug: 'free-trial', name: 'Free Trial' },
    });
    expect(subscription).toMatchObject({
      account_id: user.account.id,
      status: 'trialing',
      current_period_end: null,
      payment_provider: null,
      plan: { slug: 'free-trial', price: '0.00', included_credits: 2000 },
    });
    expect(subscription.current_period_start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(subscription.plan).not.toHaveProperty('stripe_price_id');

    const ledger = await db(t).query('SELECT * FROM igny8_credit_transactions WHERE account_id = $1', [
      user.account.id,
    ]);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      transaction_type: 'subscription',
      amount: 2000,
      plan_amount: 2000,
      bonus_amount: 0,
      balance_after: 2000,
      plan_balance_after: 2000,
      bonus_balance_after: 0,
      reference_id: `signup:${user.account.id}`,
    });

    // Logged in both ways.
    const cookie = sessionCookie(res)!;
    expect(cookie.raw).toMatch(/HttpOnly/);
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/auth/me/', headers: bearer(tokens.access) }))
        .statusCode,
    ).toBe(200);
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/auth/groups/', headers: withCookie(cookie.value) }))
        .statusCode,
    ).toBe(200);

    const mails = await outbox(t, email.toLowerCase());
    expect(mails.map((m) => m.template_key)).toEqual(['welcome']);
    expect(mails[0].text).toContain('Acme Widgets');
  });

  it('paid plan: pending_payment account and subscription, no credits, a pending invoice for the plan', async () => {
    const res = await post({
      email: uniqueEmail('paid'),
      password: PASSWORD,
      plan_slug: 'growth',
      payment_method: 'paypal',
      billing_country: 'de',
    });
    expect(res.statusCode, res.body).toBe(201);
    const { user, subscription, tokens, invoice, checkout_url, payment_instructions } = res.json().data;
    expect(user.account).toMatchObject({
      status: 'pending_payment',
      credits: 0,
      total_credits: 0,
      billing_country: 'DE',
      plan: { slug: 'growth' },
    });
    expect(subscription).toMatchObject({
      status: 'pending_payment',
      payment_provider: 'paypal',
      plan: { slug: 'growth', price: '139.00' },
    });
    expect(invoice).toMatchObject({
      invoice_type: 'subscription',
      status: 'pending',
      plan_id: subscription.plan_id,
      subscription_id: subscription.id,
      payment_method: 'paypal',
      currency: 'USD',
      subtotal: '139.00',
      tax: '0.00',
      total: '139.00',
      line_items: [{ quantity: 1, unit_price: '139.00', amount: '139.00', credits: 2000 }],
    });
    expect(invoice.invoice_number).toMatch(new RegExp(`^INV-${user.account.id}-\\d{6}-0001$`));
    // PayPal is not configured in tests: no URL, and the invoice says why.
    expect([checkout_url, payment_instructions]).toEqual([null, null]);
    expect(tokens.access).toBeTruthy();
    expect(sessionCookie(res)).toBeDefined();
    const ledger = await db(t).query(
      'SELECT count(*)::int AS n FROM igny8_credit_transactions WHERE account_id = $1',
      [user.account.id],
    );
    expect(ledger[0].n).toBe(0);
  });

  it('validates the payment method of paid plans per country', async () => {
    const paid = (extra: Record<string, unknown>) =>
      post({ email: uniqueEmail('pm'), password: PASSWORD, plan_slug: 'starter', ...extra });
    const missing = await paid({});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual({
      payment_method: ['A payment method is required for a paid plan.'],
    });
    expect(
      (await paid({ payment_method: 'bank_transfer', billing_country: 'US' })).json().errors,
    ).toHaveProperty('payment_method');
    expect((await paid({ payment_method: 'bank_transfer' })).json().errors).toHaveProperty('payment_method');
    expect((await paid({ payment_method: 'paypal', billing_country: 'PK' })).json().errors).toHaveProperty(
      'payment_method',
    );
    expect((await paid({ payment_method: 'cash' })).json().errors.payment_method).toEqual([
      '"cash" is not a valid choice.',
    ]);
    expect((await paid({ payment_method: 'bank_transfer', billing_country: 'PK' })).statusCode).toBe(201);
    expect((await paid({ payment_method: 'stripe', billing_country: 'PK' })).statusCode).toBe(201);
    // Ignored for a free plan.
    expect(
      (
        await post({
          email: uniqueEmail('free-pm'),
          password: PASSWORD,
          payment_method: 'bank_transfer',
          billing_country: 'US',
        })
      ).statusCode,
    ).toBe(201);
  });

  it('refuses internal, inactive and unknown plans', async () => {
    await db(t).query(
      `INSERT INTO igny8_plans (name, slug, price, is_active) VALUES ('Old', 'old-plan', 10, false) ON CONFLICT DO NOTHING`,
    );
    for (const plan_slug of ['internal', 'old-plan', 'no-such-plan']) {
      const res = await post({
        email: uniqueEmail('plan'),
        password: PASSWORD,
        plan_slug,
        payment_method: 'stripe',
      });
      expect(res.statusCode, plan_slug).toBe(400);
      expect(Object.keys(res.json().errors)).toEqual(['plan_slug']);
    }
  });

  it('validates email and password', async () => {
    const taken = await register(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ email: taken.email.toUpperCase(), password: PASSWORD }, 'email'],
      [{ email: 'not-an-email', password: PASSWORD }, 'email'],
      [{ password: PASSWORD }, 'email'],
      [{ email: uniqueEmail('pw'), password: 'short' }, 'password'],
      [{ email: uniqueEmail('pw'), password: '123456789012' }, 'password'],
      [{ email: uniqueEmail('pw'), password: 'x'.repeat(129) }, 'password'],
      [
        { email: uniqueEmail('pw'), password: PASSWORD, password_confirm: 'something else' },
        'password_confirm',
      ],
      [{ email: uniqueEmail('pw'), password: PASSWORD, billing_country: 'USA' }, 'billing_country'],
    ];
    for (const [payload, field] of cases) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('validation_error');
      expect(Object.keys(res.json().errors), JSON.stringify(payload)).toEqual([field]);
    }
    const same = uniqueEmail('same');
    const equal = await post({ email: same, password: same });
    expect(equal.json().errors).toEqual({ password: ['The password is too similar to the email.'] });
    expect((await post({ email: taken.email, password: PASSWORD })).json().errors).toEqual({
      email: ['A user with this email already exists.'],
    });
  });

  it('never hands out a reserved slug; collisions get -2, -3; usernames get 2, 3', async () => {
    const slugOf = async (account_name: string, email = uniqueEmail('slug')) => {
      const res = await post({ email, password: PASSWORD, account_name });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().data.user;
    };
    expect((await slugOf('AWS Admin')).account.slug).toBe('aws-admin-2');
    expect((await slugOf('Default')).account.slug).toBe('default-2');
    expect((await slugOf('default-account')).account.slug).toBe('default-account-2');
    expect((await slugOf('Zürich Café!')).account.slug).toBe('zurich-cafe');
    expect((await slugOf('Zurich cafe')).account.slug).toBe('zurich-cafe-2');
    expect((await slugOf('Zurich  Cafe')).account.slug).toBe('zurich-cafe-3');
    const reserved = await db(t).query(
      `SELECT count(*)::int AS n FROM igny8_accounts WHERE slug IN ('aws-admin', 'default', 'default-account')`,
    );
    expect(reserved[0].n).toBe(0);

    const local = `jane${Date.now()}`;
    const first = await slugOf('', `${local}@one.example.com`);
    const second = await slugOf('', `${local}@two.example.com`);
    expect(first.username).toBe(local);
    expect(second.username).toBe(`${local}2`);
    // Without account_name the account is named after the email local part.
    expect(first.account.name).toBe(local);
    const chosen = await post({ email: uniqueEmail('u'), password: PASSWORD, username: local });
    expect(chosen.json().errors).toEqual({ username: ['A user with that username already exists.'] });
  });

  it('ignores fields that are not writable at registration', async () => {
    const res = await post({
      email: uniqueEmail('mass'),
      password: PASSWORD,
      role: 'developer',
      is_superuser: true,
      credits: 999999,
      bonus_credits: 5,
      held_credits: 7,
      status: 'active',
      is_system: true,
      account_id: 1,
      owner_id: 1,
      plan_id: 1,
    });
    expect(res.statusCode, res.body).toBe(201);
    const { user } = res.json().data;
    expect(user).toMatchObject({ role: 'owner', is_superuser: false });
    expect(user.account).toMatchObject({
      status: 'trial',
      credits: 2000,
      bonus_credits: 0,
      held_credits: 0,
      is_system: false,
      owner_id: user.id,
    });
    expect(user.account.plan.slug).toBe('free-trial');
  });

  it('throttles the auth_strict routes per client IP and email (5/min)', async () => {
    const email = uniqueEmail('throttled');
    const attempts = [];
    for (let i = 0; i < 6; i++) {
      attempts.push(
        await t.request({
          method: 'POST',
          url: '/api/v1/auth/login/',
          payload: { email, password: 'wrong password' },
        }),
      );
    }
    expect(attempts.slice(0, 5).map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401]);
    expect(attempts[0].headers['x-throttle-limit']).toBe('5');
    expect(attempts[4].headers['x-throttle-remaining']).toBe('0');
    expect(attempts[5].statusCode).toBe(429);
    expect(attempts[5].json().code).toBe('throttled');
    expect(Number(attempts[5].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another email from the same IP has its own counter.
    const other = await t.request({
      method: 'POST',
      url: '/api/v1/auth/password/reset/',
      payload: { email: uniqueEmail('fresh') },
    });
    expect(other.statusCode).toBe(200);
    expect(other.headers['x-throttle-limit']).toBe('5');
    // Token refresh is in the `auth` scope (20/min).
    const refresh = await t.request({
      method: 'POST',
      url: '/api/v1/auth/token/refresh/',
      payload: { refresh: 'x' },
    });
    expect(refresh.headers['x-throttle-limit']).toBe('20');
  });
});
