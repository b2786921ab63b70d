import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hasRole } from '../../src/common/auth/roles.js';
import { insertTaskLog } from '../ai/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { listRoutes, type RouteInfo } from '../support/routes.js';
import { seedTenant, snapshot, type SeededTenant } from '../support/tenants.js';
import { seedWriterRows, WRITER_PATH_KINDS, WRITER_TABLES, type WriterRows } from '../writer/support.js';

const TENANTS = 20;
const MISSING_ID = 2_000_000_000;
const MISSING_TASK_ID = '00000000-0000-4000-8000-000000000000';
const MISSING_RUN_ID = 'run_20990101_000000_00000000';
/** One request each: 300 in `npm test`, 10,000 in `npm run test:soak`; the time limit grows with them. */
const RANDOM_RUNS = inject('isolationRuns');
const RANDOM_TIMEOUT_MS = Math.max(300_000, RANDOM_RUNS * 200);

/** The tenant-owned rows of one account that path ids, body references and filters can name (writer rows in `site`). */
interface Fixture extends WriterRows {
  tenant: SeededTenant;
  site: number;
  otherSite: number;
  sector: number;
  grant: number;
  subscription: number;
  trashedSite: number;
  trashedSector: number;
  trashedUser: number;
  /** Planner rows in `site` (live and trashed). */
  keyword: number;
  cluster: number;
  idea: number;
  trashedKeyword: number;
  trashedCluster: number;
  trashedIdea: number;
  /** A credit ledger entry (with a usage log in `site`), an account prompt and an AI task in `site`. */
  transaction: number;
  prompt: number;
  /** The site's WordPress integration, a sync event, a publishing record and a deployment of `site`. */
  integration: number;
  syncEvent: number;
  publishingRecord: number;
  deployment: number;
  aiTask: string;
  /** A finished automation run of `site` (its public run id). */
  automationRun: string;
  /** An optimisation job of the live content (the account has the linker and optimizer on). */
  optimizationJob: number;
  /** An author profile and an account-wide strategy of the account. */
  authorProfile: number;
  strategy: number;
  /** An account-wide notification. */
  notification: number;
  /** A pending invoice, a payment of it and a payment method on file. */
  invoice: number;
  payment: number;
  paymentMethod: number;
}

type Kind = Exclude<keyof Fixture, 'tenant' | 'otherSite'> | 'user';

/** Every `:id` route is tenant-owned (with the kind of row its id names) or global; nothing is left unclassified. */
const PATH_KINDS: [RegExp, Kind][] = [
  [/^\/api\/v1\/auth\/sites\/:id\/restore$/, 'trashedSite'],
  [/^\/api\/v1\/auth\/sites\/:id(\/.*)?$/, 'site'],
  [/^\/api\/v1\/auth\/sectors\/:id\/restore$/, 'trashedSector'],
  [/^\/api\/v1\/auth\/sectors\/:id$/, 'sector'],
  [/^\/api\/v1\/auth\/users\/:id\/restore$/, 'trashedUser'],
  [/^\/api\/v1\/auth\/users\/:id$/, 'user'],
  [/^\/api\/v1\/account\/team\/:id$/, 'user'],
  [/^\/api\/v1\/auth\/site-access\/:id$/, 'grant'],
  [/^\/api\/v1\/auth\/subscriptions\/:id$/, 'subscription'],
  [/^\/api\/v1\/planner\/keywords\/:id\/restore$/, 'trashedKeyword'],
  [/^\/api\/v1\/writer\/content\/:id\/(publish|unpublish|schedule|unschedule|wordpress_status)$/, 'content'],
  [/^\/api\/v1\/integration\/integrations\/:id(\/\w+)?$/, 'integration'],
  [/^\/api\/v1\/integration\/sync-events\/:id$/, 'syncEvent'],
  [/^\/api\/v1\/publisher\/(publishing-records|records)\/:id$/, 'publishingRecord'],
  [/^\/api\/v1\/publisher\/deployments\/:id$/, 'deployment'],
  [/^\/api\/v1\/planner\/keywords\/:id$/, 'keyword'],
  [/^\/api\/v1\/planner\/clusters\/:id\/restore$/, 'trashedCluster'],
  [/^\/api\/v1\/planner\/clusters\/:id$/, 'cluster'],
  [/^\/api\/v1\/planner\/ideas\/:id\/restore$/, 'trashedIdea'],
  [/^\/api\/v1\/planner\/ideas\/:id$/, 'idea'],
  ...WRITER_PATH_KINDS,
  [/^\/api\/v1\/billing\/(credits\/)?transactions\/:id$/, 'transaction'],
  [/^\/api\/v1\/system\/prompts\/:id$/, 'prompt'],
  [/^\/api\/v1\/system\/tasks\/:task_id(\/cancel)?$/, 'aiTask'],
  [/^\/api\/v1\/system\/sites\/:id\/settings(\/reset)?$/, 'site'],
  [/^\/api\/v1\/automation\/runs\/:run_id\/events$/, 'automationRun'],
  [/^\/api\/v1\/optimizer\/jobs\/:id$/, 'optimizationJob'],
  [/^\/api\/v1\/system\/sites\/:id\/status$/, 'site'],
  [/^\/api\/v1\/system\/author-profiles\/:id$/, 'authorProfile'],
  [/^\/api\/v1\/system\/strategies\/:id$/, 'strategy'],
  [/^\/api\/v1\/notifications\/:id(\/read)?$/, 'notification'],
  [/^\/api\/v1\/billing\/invoices\/:id(\/download_pdf)?$/, 'invoice'],
  [/^\/api\/v1\/billing\/payments\/:id$/, 'payment'],
  [/^\/api\/v1\/billing\/payment-methods\/:id(\/set_default)?$/, 'paymentMethod'],
];

/** The AI entry points and the kind of row their `ids` name. */
const AI_ENTRY_POINTS: [string, 'keyword' | 'cluster' | 'task' | 'content' | 'image'][] = [
  ['/api/v1/planner/keywords/auto_cluster/', 'keyword'],
  ['/api/v1/planner/clusters/auto_generate_ideas/', 'cluster'],
  ['/api/v1/writer/tasks/auto_generate_content/', 'task'],
  ['/api/v1/writer/content/generate_image_prompts/', 'content'],
  ['/api/v1/writer/images/generate_images/', 'image'],
];

/** Routes whose ids are global (catalogue, developer-only account administration) or proven elsewhere. */
const GLOBAL_ID_ROUTES = [
  /^\/api\/v1\/auth\/(plans|industries|keywords-library|seed-keywords)\/:id$/,
  /^\/api\/v1\/auth\/accounts\/:id(\/restore)?$/,
  /^\/api\/v1\/system\/request-metrics\/:tracking_id$/,
  /^\/api\/v1\/system\/ai-models\/:id$/,
  /^\/api\/v1\/system\/global-author-profiles\/:id$/,
  /^\/api\/v1\/system\/integration-providers\/:id$/,
  /^\/api\/v1\/system\/email-templates\/:id$/,
  // Credit packages are global; the billing administration is developer-only over every account.
  /^\/api\/v1\/billing\/credit-packages\/:id\/purchase$/,
  /^\/api\/v1\/(admin\/billing|billing\/admin)\/(payments\/:id\/(approve|reject)|accounts\/:id\/adjust_credits|credit-costs\/:id|credit-packages\/:id)$/,
  // Setting keys name the caller's own settings (or global ones): test/system/settings.e2e-spec.ts.
  /^\/api\/v1\/system\/settings\/(system|account|user|effective)\/:key$/,
];

const BODIES: Partial<Record<string, Record<string, unknown>>> = {
  'POST /api/v1/writer/content/:id/schedule': { scheduled_publish_at: '2099-01-01T09:00:00Z' },
  'POST /api/v1/integration/integrations/:id/update_site_structure': { post_types: {}, taxonomies: {} },
  'PUT /api/v1/auth/sites/:id': { name: 'Renamed' },
  'PATCH /api/v1/auth/sites/:id': { name: 'Renamed' },
  'PUT /api/v1/auth/sectors/:id': { name: 'Renamed' },
  'PATCH /api/v1/auth/sectors/:id': { name: 'Renamed' },
  'PUT /api/v1/auth/users/:id': {
    first_name: 'Renamed',
    last_name: 'X',
    username: 'renamed-x',
    role: 'viewer',
  },
  'PATCH /api/v1/auth/users/:id': { first_name: 'Renamed' },
  'PUT /api/v1/planner/clusters/:id': { name: 'Renamed' },
  'PATCH /api/v1/planner/clusters/:id': { name: 'Renamed' },
  'PUT /api/v1/planner/ideas/:id': { idea_title: 'Renamed' },
  'PATCH /api/v1/planner/ideas/:id': { idea_title: 'Renamed' },
  'POST /api/v1/auth/sites/:id/select_sectors': {
    industry_slug: 'technology',
    sector_slugs: ['cloud-computing'],
  },
  'PATCH /api/v1/system/prompts/:id': { prompt_value: 'Renamed' },
  'PATCH /api/v1/system/sites/:id/settings': { publishing: { daily_publish_limit: 1 } },
  'PUT /api/v1/system/author-profiles/:id': { name: 'Renamed' },
  'PUT /api/v1/system/strategies/:id': { name: 'Renamed' },
  'PATCH /api/v1/billing/payment-methods/:id': { display_name: 'Renamed' },
};

const TABLES = [
  'igny8_accounts',
  'igny8_users',
  'igny8_sites',
  'igny8_sectors',
  'igny8_site_user_access',
  'igny8_subscriptions',
  'igny8_refresh_tokens',
  'igny8_keywords',
  'igny8_clusters',
  'igny8_content_ideas',
  ...WRITER_TABLES,
  'igny8_ai_prompts',
  'igny8_ai_task_logs',
  'igny8_credit_transactions',
  'igny8_credit_usage_logs',
  'igny8_ai_settings',
  'igny8_automation_configs',
  'igny8_publishing_settings',
  'igny8_automation_runs',
  'igny8_module_enable_settings',
  'igny8_optimization_tasks',
  'igny8_author_profiles',
  'igny8_strategies',
  'igny8_notifications',
  'igny8_site_integrations',
  'igny8_sync_events',
  'igny8_publishing_records',
  'igny8_deployment_records',
  'igny8_invoices',
  'igny8_payments',
  'igny8_account_payment_methods',
];

function kindOf(route: RouteInfo): Kind | 'global' | undefined {
  if (GLOBAL_ID_ROUTES.some((pattern) => pattern.test(route.path))) return 'global';
  return PATH_KINDS.find(([pattern]) => pattern.test(route.path))?.[1];
}

function idOf(fixture: Fixture, kind: Kind): number | string {
  return kind === 'user' ? fixture.tenant.users.viewer.id : fixture[kind];
}

/** An id of `kind` that no row has: task ids are UUIDs, every other id is a number. */
const missingIdOf = (kind: Kind): number | string =>
  kind === 'aiTask' ? MISSING_TASK_ID : kind === 'automationRun' ? MISSING_RUN_ID : MISSING_ID;

/** The body without its request id, and with a named id replaced, so two answers can be compared. */
function comparable(response: LightMyRequestResponse, id?: number): unknown {
  const body = response.json<Record<string, unknown>>();
  delete body.request_id;
  const text = JSON.stringify(body);
  return id === undefined ? text : text.split(String(id)).join('<id>').split(String(MISSING_ID)).join('<id>');
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const roleUser = (tenant: SeededTenant, role: RouteInfo['role']) =>
  tenant.users[
    role === 'viewer' ? 'viewer' : role === 'editor' ? 'editor' : role === 'owner' ? 'owner' : 'admin'
  ];

describe(`tenant isolation across ${TENANTS} accounts`, () => {
  let t: TestApp;
  let fixtures: Fixture[];
  let routes: RouteInfo[];
  let db: DataSource;

  const call = (
    method: string,
    url: string,
    headers: Record<string, string>,
    payload?: Record<string, unknown>,
  ) => t.request({ method: method, url, headers, ...(payload === undefined ? {} : { payload }) });

  beforeAll(async () => {
    t = await createTestApp({ redis: false });
    db = t.app.get(DataSource);
    routes = listRoutes(t.app);
    fixtures = [];
    for (let i = 0; i < TENANTS; i++) {
      const tenant = await seedTenant(t.app, { sites: 3, sectorsPerSite: 2 });
      const [trashedSite, otherSite, site] = [...tenant.siteIds].reverse();
      await db.query(
        'UPDATE igny8_sites SET deleted_at = now(), deleted_cascade_id = gen_random_uuid() WHERE id = $1',
        [trashedSite],
      );
      await db.query(
        'UPDATE igny8_sectors SET deleted_at = now(), deleted_cascade_id = gen_random_uuid() WHERE id = $1',
        [tenant.sectorIds[0][1]],
      );
      const [{ id: trashedUser }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_users (account_id, email, username, password_hash, role, deleted_at)
         VALUES ($1, $2, $2, 'x', 'viewer', now()) RETURNING id`,
        [tenant.accountId, `gone-${tenant.slug}@example.com`],
      );
      const [{ id: grant }] = await db.query<{ id: number }[]>(
        'SELECT id FROM igny8_site_user_access WHERE user_id = $1 ORDER BY id LIMIT 1',
        [tenant.users.editor.id],
      );
      const [{ id: subscription }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_subscriptions (account_id, plan_id, status)
         SELECT $1, plan_id, 'active' FROM igny8_accounts WHERE id = $1 RETURNING id`,
        [tenant.accountId],
      );
      const planner = async (table: string, columns: string, values: unknown[], trashed = false) => {
        const [{ id }] = await db.query<{ id: number }[]>(
          `INSERT INTO ${table} (account_id, site_id, sector_id, ${columns}, deleted_at, deleted_cascade_id)
           SELECT $1, $2, $3, ${values.map((_, n) => `$${n + 4}`).join(', ')},
                  ${trashed ? 'now(), gen_random_uuid()' : 'NULL, NULL'} RETURNING id`,
          [tenant.accountId, site, tenant.sectorIds[0][0], ...values],
        );
        return id;
      };
      const seeds = await db.query<{ id: number }[]>(
        `SELECT k.id FROM igny8_seed_keywords k JOIN igny8_sectors s ON s.industry_sector_id = k.sector_id
          WHERE s.id = $1 ORDER BY k.id LIMIT 2`,
        [tenant.sectorIds[0][0]],
      );
      const plannerRows = {
        keyword: await planner('igny8_keywords', 'seed_keyword_id', [seeds[0].id]),
        trashedKeyword: await planner('igny8_keywords', 'seed_keyword_id', [seeds[1].id], true),
        cluster: await planner('igny8_clusters', 'name', ['Live']),
        trashedCluster: await planner('igny8_clusters', 'name', ['Gone'], true),
        idea: await planner('igny8_content_ideas', 'idea_title', ['Live']),
        trashedIdea: await planner('igny8_content_ideas', 'idea_title', ['Gone'], true),
      };
      const [{ id: transaction }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_credit_transactions (account_id, transaction_type, amount, plan_amount, balance_after,
           plan_balance_after, bonus_balance_after, reference_id)
         VALUES ($1, 'deduction', -2, -2, 998, 998, 0, 'isolation') RETURNING id`,
        [tenant.accountId],
      );
      await db.query(
        `INSERT INTO igny8_credit_usage_logs (account_id, site_id, operation_type, credits_used, transaction_id)
         VALUES ($1, $2, 'clustering', 2, $3)`,
        [tenant.accountId, site, transaction],
      );
      const [{ id: prompt }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_ai_prompts (account_id, prompt_type, prompt_value) VALUES ($1, 'clustering', 'Group.')
         RETURNING id`,
        [tenant.accountId],
      );
      const aiTask = await insertTaskLog(t, tenant.accountId, { siteId: site });
      const automationRun = `run_20260101_000000_${(0x10000000 + i).toString(16)}`;
      await db.query(
        `INSERT INTO igny8_automation_runs (account_id, run_id, site_id, trigger_type, status, completed_at)
         VALUES ($1, $2, $3, 'manual', 'completed', now())`,
        [tenant.accountId, automationRun, site],
      );
      const writerRows = await seedWriterRows(db, tenant.accountId, site, tenant.sectorIds[0][0]);
      await db.query(
        `INSERT INTO igny8_module_enable_settings (account_id, linker_enabled, optimizer_enabled) VALUES ($1, true, true)`,
        [tenant.accountId],
      );
      const [{ id: optimizationJob }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_optimization_tasks (account_id, site_id, sector_id, content_id) VALUES ($1, $2, $3, $4)
         RETURNING id`,
        [tenant.accountId, site, tenant.sectorIds[0][0], writerRows.content],
      );
      const [{ id: authorProfile }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_author_profiles (account_id, name) VALUES ($1, 'Voice') RETURNING id`,
        [tenant.accountId],
      );
      const [{ id: strategy }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_strategies (account_id, name) VALUES ($1, 'Everywhere') RETURNING id`,
        [tenant.accountId],
      );
      const [{ id: notification }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_notifications (account_id, notification_type, title, message)
         VALUES ($1, 'system', 'Hello', 'Body') RETURNING id`,
        [tenant.accountId],
      );
      const row = async (sql: string, params: unknown[]) =>
        (await db.query<{ id: number }[]>(sql, params))[0].id;
      const integration = await row(
        `INSERT INTO igny8_site_integrations (account_id, site_id, external_site_url)
         VALUES ($1, $2, 'https://wp.example.com') RETURNING id`,
        [tenant.accountId, site],
      );
      const publishing = {
        integration,
        syncEvent: await row(
          `INSERT INTO igny8_sync_events (account_id, site_id, integration_id, event_type, direction, status)
           VALUES ($1, $2, $3, 'test_connection', 'to_external', 'success') RETURNING id`,
          [tenant.accountId, site, integration],
        ),
        publishingRecord: await row(
          `INSERT INTO igny8_publishing_records (account_id, site_id, content_id, status)
           VALUES ($1, $2, $3, 'failed') RETURNING id`,
          [tenant.accountId, site, writerRows.content],
        ),
        deployment: await row(
          `INSERT INTO igny8_deployment_records (account_id, site_id) VALUES ($1, $2) RETURNING id`,
          [tenant.accountId, site],
        ),
      };
      const invoice = await row(
        `INSERT INTO igny8_invoices (account_id, invoice_number, invoice_type, subtotal, total, line_items)
         VALUES ($1, $2, 'custom', 10, 10, '[]') RETURNING id`,
        [tenant.accountId, `INV-${tenant.accountId}-209901-0001`],
      );
      const billing = {
        invoice,
        payment: await row(
          `INSERT INTO igny8_payments (account_id, invoice_id, amount, payment_method, status)
           VALUES ($1, $2, 10, 'bank_transfer', 'failed') RETURNING id`,
          [tenant.accountId, invoice],
        ),
        paymentMethod: await row(
          `INSERT INTO igny8_account_payment_methods (account_id, type, display_name)
           VALUES ($1, 'stripe', 'Card') RETURNING id`,
          [tenant.accountId],
        ),
      };
      fixtures.push({
        ...billing,
        ...plannerRows,
        ...writerRows,
        ...publishing,
        optimizationJob,
        tenant,
        site,
        otherSite,
        sector: tenant.sectorIds[0][0],
        grant,
        subscription,
        trashedSite,
        trashedSector: tenant.sectorIds[0][1],
        trashedUser,
        transaction,
        prompt,
        aiTask,
        automationRun,
        authorProfile,
        strategy,
        notification,
      });
    }
  }, 300_000);
  afterAll(() => t.close());

  it('classifies every route that takes an id', () => {
    const unclassified = routes.filter((route) => route.path.includes('/:') && kindOf(route) === undefined);
    expect(unclassified.map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });

  it('answers a foreign id in a path exactly like a missing one (404), and changes nothing', async () => {
    const before = await snapshot(t.app, TABLES);
    const tenantRoutes = routes.filter((route) => !['global', undefined].includes(kindOf(route)));
    expect(tenantRoutes.length).toBeGreaterThan(15);
    for (let i = 0; i < TENANTS; i++) {
      const [a, b] = [fixtures[i], fixtures[(i + 1) % TENANTS]];
      for (const route of tenantRoutes) {
        const kind = kindOf(route) as Kind;
        const headers = auth(roleUser(a.tenant, route.role).token);
        const body = BODIES[`${route.method} ${route.path}`] ?? (route.method === 'GET' ? undefined : {});
        const url = (id: number | string) => route.path.replace(/:\w+/, String(id));
        const foreign = await call(route.method, url(idOf(b, kind)), headers, body);
        const missing = await call(route.method, url(missingIdOf(kind)), headers, body);
        expect(foreign.statusCode, `${route.method} ${route.path} with a foreign id`).toBe(404);
        expect(comparable(foreign)).toEqual(comparable(missing));
      }
    }
    expect(await snapshot(t.app, TABLES)).toEqual(before);
  }, 300_000);

  it('answers a foreign id in a body with 400 on that field, like a missing one, and writes nothing', async () => {
    const before = await snapshot(t.app, TABLES);
    const [template] = await db.query<{ id: number }[]>(
      "SELECT s.id FROM igny8_industry_sectors s JOIN igny8_industries i ON i.id = s.industry_id WHERE i.slug = 'technology' AND s.slug = 'cybersecurity'",
    );
    for (let i = 0; i < TENANTS; i++) {
      const [a, b] = [fixtures[i], fixtures[(i + 1) % TENANTS]];
      const admin = auth(a.tenant.users.admin.token);
      const cases: [string, string, (id: number) => Record<string, unknown>, number, string][] = [
        [
          'POST',
          '/api/v1/auth/sectors/',
          (id) => ({ site_id: id, industry_sector_id: template.id }),
          b.site,
          'site_id',
        ],
        [
          'POST',
          '/api/v1/auth/site-access/',
          (id) => ({ user_id: id, site_id: a.site }),
          b.tenant.users.editor.id,
          'user_id',
        ],
        [
          'POST',
          '/api/v1/auth/site-access/',
          (id) => ({ user_id: a.tenant.users.viewer.id, site_id: id }),
          b.otherSite,
          'site_id',
        ],
        [
          'POST',
          '/api/v1/auth/users/',
          (id) => ({ email: `new-${i}-${id}@example.com`, role: 'editor', site_ids: [id] }),
          b.site,
          'site_ids',
        ],
        ...AI_ENTRY_POINTS.map(([url, kind]): (typeof cases)[number] => [
          'POST',
          url,
          (id) => ({ ids: [a[kind], id] }),
          b[kind],
          'ids',
        ]),
        [
          'POST',
          '/api/v1/planner/keywords/auto_cluster/',
          (id) => ({ ids: [a.keyword], sector_id: id }),
          b.sector,
          'sector_id',
        ],
        ['POST', '/api/v1/optimizer/analyze/', (id) => ({ content_id: id }), b.content, 'content_id'],
        [
          'POST',
          '/api/v1/billing/payments/manual/',
          (id) => ({ invoice_id: id, payment_method: 'bank_transfer', transaction_reference: 'REF' }),
          b.invoice,
          'invoice_id',
        ],
        ['POST', '/api/v1/optimizer/jobs/', (id) => ({ content_id: id }), b.content, 'content_id'],
        ['POST', '/api/v1/linker/process/', (id) => ({ content_id: id }), b.content, 'content_id'],
        [
          'POST',
          '/api/v1/linker/batch_process/',
          (id) => ({ content_ids: [a.content, id] }),
          b.content,
          'content_ids',
        ],
      ];
      for (const [method, url, body, foreignId, field] of cases) {
        const foreign = await call(method, url, admin, body(foreignId));
        const missing = await call(method, url, admin, body(MISSING_ID));
        expect(foreign.statusCode, `${url} ${field}`).toBe(400);
        const errors = foreign.json<{ errors: Record<string, string[]> }>().errors;
        expect(Object.keys(errors).some((key) => key === field || key.startsWith(`${field}.`))).toBe(true);
        expect(comparable(foreign, foreignId)).toEqual(comparable(missing, MISSING_ID));
      }
      for (const resource of ['sites', 'sectors']) {
        const trashed = resource === 'sites' ? b.trashedSite : b.trashedSector;
        const purge = await call('POST', `/api/v1/auth/${resource}/purge/`, admin, { ids: [trashed] });
        expect(purge.json()).toMatchObject({ data: { purged_count: 0, not_found_ids: [trashed] } });
      }
      const bulk = await call('DELETE', `/api/v1/auth/site-access/${b.grant}/`, admin);
      expect(bulk.statusCode).toBe(404);
    }
    expect(await snapshot(t.app, TABLES)).toEqual(before);
  }, 300_000);

  it('answers a foreign id in a list filter with an empty list, and ignores account_id for tenants', async () => {
    for (let i = 0; i < TENANTS; i++) {
      const [a, b] = [fixtures[i], fixtures[(i + 1) % TENANTS]];
      const admin = auth(a.tenant.users.admin.token);
      for (const url of [
        `/api/v1/auth/sectors/?site_id=${b.site}`,
        `/api/v1/auth/site-access/?user_id=${b.tenant.users.editor.id}`,
        `/api/v1/auth/site-access/?site_id=${b.site}`,
        `/api/v1/auth/keywords-library/?site_id=${b.site}`,
        `/api/v1/system/tasks/?site_id=${b.site}`,
        `/api/v1/billing/credits/usage/?site_id=${b.site}`,
      ]) {
        const response = await call('GET', url, admin);
        expect(response.statusCode, url).toBe(200);
        expect(response.json(), url).toMatchObject({ count: 0, results: [] });
      }
      for (const url of [
        `/api/v1/system/tasks/?site_id=${a.site}`,
        `/api/v1/billing/credits/usage/?site_id=${a.site}`,
      ]) {
        expect((await call('GET', url, admin)).json(), url).toMatchObject({ count: 1 });
      }
      const sites = await call('GET', `/api/v1/auth/sites/?account_id=${b.tenant.accountId}`, admin);
      const siteIds = sites
        .json<{ results: { id: number; account_id: number }[] }>()
        .results.map((s) => s.id);
      expect(siteIds.sort()).toEqual([a.site, a.otherSite].sort());
      const users = await call(
        'GET',
        `/api/v1/auth/users/?account_id=${b.tenant.accountId}&page_size=100`,
        admin,
      );
      const accounts = new Set(
        users.json<{ results: { account_id: number }[] }>().results.map((u) => u.account_id),
      );
      expect([...accounts]).toEqual([a.tenant.accountId]);
    }
  }, 300_000);

  it('keeps an API key to its own site', async () => {
    for (let i = 0; i < TENANTS; i++) {
      const [a, b] = [fixtures[i], fixtures[(i + 1) % TENANTS]];
      const key = { 'x-igny8-api-key': a.tenant.apiKeys[a.tenant.siteIds.indexOf(a.site)] };
      for (const url of [
        `/api/v1/auth/sites/${b.site}/`,
        `/api/v1/auth/sites/${a.otherSite}/`,
        `/api/v1/auth/sites/${b.site}/sectors/`,
        `/api/v1/auth/sectors/${b.sector}/`,
        `/api/v1/auth/sectors/${a.tenant.sectorIds[1][0]}/`,
        `/api/v1/system/tasks/${b.aiTask}/`,
        `/api/v1/system/prompts/${b.prompt}/`,
      ]) {
        expect((await call('GET', url, key)).statusCode, url).toBe(404);
      }
      const sites = await call('GET', '/api/v1/auth/sites/', key);
      expect(sites.json<{ results: { id: number }[] }>().results.map((s) => s.id)).toEqual([a.site]);
      const sectors = await call('GET', `/api/v1/auth/sectors/?site_id=${b.site}`, key);
      expect(sectors.json()).toMatchObject({ count: 0 });
      const library = await call('GET', `/api/v1/auth/keywords-library/?site_id=${a.otherSite}`, key);
      expect(library.json()).toMatchObject({ count: 0 });
    }
  }, 300_000);

  it('checks the role before visibility on every route, and refuses API keys off the key routes', async () => {
    const a = fixtures[0];
    const protectedRoutes = routes.filter((route) => !route.isPublic);
    for (const route of protectedRoutes) {
      const url = route.path.replace(/:\w+/, String(fixtures[1].site));
      for (const role of ['viewer', 'editor', 'admin'] as const) {
        if (hasRole(role, route.role)) continue;
        const response = await call(
          route.method,
          url,
          auth(a.tenant.users[role].token),
          route.method === 'GET' ? undefined : {},
        );
        expect(response.statusCode, `${role} ${route.method} ${route.path}`).toBe(403);
        expect(response.json()).toMatchObject({ code: 'permission_denied' });
      }
      if (!route.apiKey) {
        const response = await call(
          route.method,
          url,
          { 'x-igny8-api-key': a.tenant.apiKeys[0] },
          route.method === 'GET' ? undefined : {},
        );
        expect(response.statusCode, `key ${route.method} ${route.path}`).toBe(403);
        expect(response.json()).toMatchObject({ code: 'api_key_not_allowed' });
      }
    }
  }, 300_000);

  it(
    'never leaks rows across tenants under random operations (property-based)',
    async () => {
      type Actor = { tenant: number; as: 'admin' | 'editor' | 'viewer' | 'key' };
      const sitesOf = (f: Fixture) => [f.site, f.otherSite];
      const visibleSites = (actor: Actor) => {
        const f = fixtures[actor.tenant];
        if (actor.as === 'key') return [f.site];
        if (actor.as === 'admin') return sitesOf(f);
        return [f.tenant.siteIds[0]];
      };
      const allSites = fixtures.flatMap((f) => sitesOf(f).map((site) => ({ owner: f, site })));
      const allSectors = fixtures.flatMap((f) =>
        f.tenant.siteIds.flatMap((site, index) =>
          f.tenant.sectorIds[index]
            .filter((sector) => sector !== f.trashedSector && site !== f.trashedSite)
            .map((sector) => ({ owner: f, site, sector })),
        ),
      );
      const headersOf = (actor: Actor) => {
        const f = fixtures[actor.tenant];
        return actor.as === 'key'
          ? { 'x-igny8-api-key': f.tenant.apiKeys[f.tenant.siteIds.indexOf(f.site)] }
          : auth(f.tenant.users[actor.as].token);
      };
      const actor = fc.record({
        tenant: fc.integer({ min: 0, max: TENANTS - 1 }),
        as: fc.constantFrom<Actor['as']>('admin', 'editor', 'viewer', 'key'),
      });
      const operation = fc.oneof(
        fc.record({
          op: fc.constant('get-site' as const),
          target: fc.integer({ min: 0, max: allSites.length - 1 }),
        }),
        fc.record({
          op: fc.constant('get-sector' as const),
          target: fc.integer({ min: 0, max: allSectors.length - 1 }),
        }),
        fc.record({
          op: fc.constant('patch-sector' as const),
          target: fc.integer({ min: 0, max: allSectors.length - 1 }),
        }),
        fc.record({
          op: fc.constant('list-sectors' as const),
          target: fc.integer({ min: 0, max: allSites.length - 1 }),
        }),
        fc.record({ op: fc.constant('list-sites' as const), target: fc.constant(0) }),
      );
      await fc.assert(
        fc.asyncProperty(actor, operation, async (who, { op, target }) => {
          const headers = headersOf(who);
          const mine = visibleSites(who);
          if (op === 'get-site') {
            const { site } = allSites[target];
            const response = await call('GET', `/api/v1/auth/sites/${site}/`, headers);
            expect(response.statusCode).toBe(mine.includes(site) ? 200 : 404);
          } else if (op === 'get-sector' || op === 'patch-sector') {
            const { site, sector } = allSectors[target];
            const patch = op === 'patch-sector';
            const response = await call(
              patch ? 'PATCH' : 'GET',
              `/api/v1/auth/sectors/${sector}/`,
              headers,
              patch ? { description: `by ${who.tenant}` } : undefined,
            );
            const allowed = !patch || who.as === 'admin';
            const expected = !allowed ? (who.as === 'key' ? 403 : 403) : mine.includes(site) ? 200 : 404;
            expect(response.statusCode).toBe(expected);
          } else {
            const url =
              op === 'list-sites'
                ? '/api/v1/auth/sites/?page_size=100'
                : `/api/v1/auth/sectors/?page_size=100&site_id=${allSites[target].site}`;
            const response = await call('GET', url, headers);
            expect(response.statusCode).toBe(200);
            const rows = response.json<{ results: { id: number; account_id: number; site_id?: number }[] }>()
              .results;
            for (const row of rows) {
              expect(row.account_id).toBe(fixtures[who.tenant].tenant.accountId);
              expect(mine).toContain(row.site_id ?? row.id);
            }
          }
        }),
        { numRuns: RANDOM_RUNS },
      );
    },
    RANDOM_TIMEOUT_MS,
  );
});
