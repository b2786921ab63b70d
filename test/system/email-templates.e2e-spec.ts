import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mailer } from '../../src/common/mail/mailer.service.js';
import { EmailTemplates } from '../../src/common/mail/template-store.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';
import {
  type Body,
  data,
  expectFieldErrors,
  expectForbidden,
  expectNotFound,
  results,
  seedSystemAccount,
  type SystemAccount,
  systemApi,
} from '../ai-config/support.js';

describe('email templates', () => {
  let t: TestApp;
  let db: DataSource;
  let a: SeededTenant;
  let system: SystemAccount;
  let welcome: Body;
  const call = systemApi(() => t);

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    a = await seedTenant(t.app);
    system = await seedSystemAccount(t);
    const listed = results(await call('GET', 'email-templates/?page_size=100', system.developer.auth));
    welcome = listed.find((row) => row.template_key === 'welcome') as Body;
  });
  afterAll(() => t.close());

  it('seeds one row per built-in template with the variables its sender fills', async () => {
    const listed = results(await call('GET', 'email-templates/?page_size=100', system.developer.auth));
    expect(listed.map((row) => row.template_key)).toEqual(
      expect.arrayContaining(['welcome', 'password_reset', 'password_changed', 'team_invite']),
    );
    expect(welcome.variables).toEqual(expect.arrayContaining(['name', 'account_name', 'login_url']));
    expect(welcome.is_active).toBe(true);
  });

  it('refuses a text with an unknown variable, naming it, and changes nothing', async () => {
    const response = await call('PATCH', `email-templates/${welcome.id as number}/`, system.developer.auth, {
      subject: 'Hi {{name}}',
      html_body: '<p>{{name}} {{secret_token}}</p>',
    });
    expectFieldErrors(response, ['html_body']);
    const message = (response.body.errors as Record<string, string[]>).html_body[0];
    expect(message).toContain('{{secret_token}}');
    expect(message).not.toContain('{{name}}}');
    expect(
      data(await call('GET', `email-templates/${welcome.id as number}/`, system.developer.auth)).subject,
    ).toBe(welcome.subject);
  });

  it('sends with the edited texts, escaping values in the HTML body', async () => {
    const patched = await call('PATCH', `email-templates/${welcome.id as number}/`, system.developer.auth, {
      subject: 'Hello {{name}}!',
      html_body: '<p>Dear {{name}}, welcome to {{account_name}}.</p>',
      template_key: 'renamed',
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(data(patched)).toMatchObject({ template_key: 'welcome', subject: 'Hello {{name}}!' });

    const rendered = await t.app
      .get(EmailTemplates)
      .render('welcome', { name: '<script>alert(1)</script>', account_name: 'A & B' });
    expect(rendered.subject).toBe('Hello <script>alert(1)</script>!');
    expect(rendered.html).toBe('<p>Dear &lt;script&gt;alert(1)&lt;/script&gt;, welcome to A &amp; B.</p>');

    const mailer = t.app.get(Mailer);
    mailer.send({
      template: 'welcome',
      to: 'ann@example.com',
      variables: { name: 'Ann' },
      accountId: a.accountId,
    });
    await mailer.flush();
    const [log] = await db.query<{ subject: string }[]>(
      `SELECT subject FROM igny8_email_logs WHERE to_email = 'ann@example.com' ORDER BY id DESC LIMIT 1`,
    );
    expect(log.subject).toBe('Hello Ann!');

    // An inactive row falls back to the built-in texts.
    await call('PATCH', `email-templates/${welcome.id as number}/`, system.developer.auth, {
      is_active: false,
    });
    expect((await t.app.get(EmailTemplates).render('welcome', { name: 'Ann' })).subject).toBe(
      'Welcome to IGNY8',
    );
  });

  it('is for developers only', async () => {
    for (const auth of [a.users.owner.auth, system.users.admin.auth]) {
      expectForbidden(await call('GET', 'email-templates/', auth));
      expectForbidden(
        await call('PATCH', `email-templates/${welcome.id as number}/`, auth, { subject: 'x' }),
      );
    }
    expectNotFound(await call('GET', 'email-templates/999999999/', system.developer.auth));
    expectFieldErrors(
      await call('PATCH', `email-templates/${welcome.id as number}/`, system.developer.auth, { subject: '' }),
      ['subject'],
    );
  });
});
