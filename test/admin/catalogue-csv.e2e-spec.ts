import 'reflect-metadata';
import type { LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/common/csv/csv.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { type SeededTenant, seedTenant, snapshot } from '../support/tenants.js';
import { csv, insertDeveloper, multipart } from './helpers.js';

const CATALOGUE_TABLES = ['igny8_industries', 'igny8_industry_sectors', 'igny8_seed_keywords'];
const INDUSTRY_HEADER = ['name', 'slug', 'description', 'is_active', 'sort_order'];
const SECTOR_HEADER = ['industry_slug', 'name', 'slug', 'description', 'is_active'];
const SEED_HEADER = [
  'keyword',
  'industry',
  'sector',
  'volume',
  'difficulty',
  'country',
  'is_active',
  'intent',
];

interface ErrorBody {
  code: string;
  error: string;
  errors: Record<string, string[]>;
  details?: { rows: { row: number; errors: Record<string, string[]> }[] };
}

describe('admin catalogue CSV', () => {
  let t: TestApp;
  let db: DataSource;
  let tenant: SeededTenant;
  let dev: { authorization: string };

  const upload = (url: string, content: string | Buffer, options?: Parameters<typeof multipart>[1]) => {
    const { payload, headers } = multipart(content, options);
    return t.request({ method: 'POST', url, payload, headers: { ...headers, ...dev } });
  };
  const exportCsv = async (url: string): Promise<{ res: LightMyRequestResponse; rows: string[][] }> => {
    const res = await t.request({ method: 'GET', url, headers: dev });
    return { res, rows: parseCsv(res.body).map((record) => record.fields) };
  };
  const count = async (table: string, where = 'TRUE', params: unknown[] = []) =>
    Number(
      (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0]
        .n,
    );

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    tenant = await seedTenant(t.app);
    dev = (await insertDeveloper(t.app, tenant.accountId)).auth;
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('access and request shape', () => {
    const routes = [
      ['GET', '/api/v1/admin/industries/export_csv/'],
      ['POST', '/api/v1/admin/industries/import_csv/'],
      ['GET', '/api/v1/admin/industry-sectors/export_csv/'],
      ['POST', '/api/v1/admin/industry-sectors/import_csv/'],
      ['GET', '/api/v1/admin/seed-keywords/export_csv/'],
      ['POST', '/api/v1/admin/seed-keywords/import_csv/'],
      ['POST', '/api/v1/auth/keywords-library/import_csv/'],
    ] as const;

    it('is developer-only: owners and admins get 403, anonymous callers 401, and nothing is written', async () => {
      const before = await snapshot(t.app, CATALOGUE_TABLES);
      for (const [method, url] of routes) {
        for (const role of ['owner', 'admin', 'viewer'] as const) {
          const body = multipart(csv(INDUSTRY_HEADER, ['X', 'x-forbidden', '', 'true', '0']));
          const res = await t.request({
            method,
            url,
            ...(method === 'POST' ? { payload: body.payload } : {}),
            headers: { ...(method === 'POST' ? body.headers : {}), ...tenant.users[role].auth },
          });
          expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
          expect(res.json()).toMatchObject({ code: 'permission_denied' });
        }
        const anonymous = await t.request({ method, url });
        expect(anonymous.statusCode).toBe(401);
      }
      expect(await snapshot(t.app, CATALOGUE_TABLES)).toEqual(before);
    });

    it('answers 415 for a body that is not multipart and 400 on file when no file is sent', async () => {
      const json = await t.request({
        method: 'POST',
        url: '/api/v1/admin/industries/import_csv/',
        headers: { ...dev, 'content-type': 'application/json' },
        payload: { file: 'name,slug' },
      });
      expect(json.statusCode).toBe(415);
      expect(json.json()).toMatchObject({ success: false, code: 'unsupported_media_type' });

      const text = await t.request({
        method: 'POST',
        url: '/api/v1/admin/industries/import_csv/',
        headers: { ...dev, 'content-type': 'text/csv' },
        payload: 'name,slug\r\n',
      });
      expect(text.statusCode).toBe(415);

      const empty = await t.request({
        method: 'POST',
        url: '/api/v1/admin/industries/import_csv/',
        headers: dev,
      });
      expect(empty.statusCode).toBe(400);
      expect(empty.json()).toMatchObject({
        code: 'validation_error',
        errors: { file: ['No file was submitted.'] },
      });

      const otherField = await upload('/api/v1/admin/industries/import_csv/', csv(INDUSTRY_HEADER), {
        field: 'upload',
      });
      expect(otherField.statusCode).toBe(400);
      expect(otherField.json()).toMatchObject({ errors: { file: ['No file was submitted.'] } });

      const badFlag = await upload(
        '/api/v1/admin/industries/import_csv/?dry_run=maybe',
        csv(INDUSTRY_HEADER),
      );
      expect(badFlag.statusCode).toBe(400);
      expect(badFlag.json()).toMatchObject({ errors: { dry_run: ['Must be a valid boolean.'] } });
    });

    it('refuses a file over 10 MB with 413 and writes nothing', async () => {
      const before = await count('igny8_industries');
      const row = 'Big Industry,big-industry,' + 'x'.repeat(1000) + ',true,0\r\n';
      const content =
        INDUSTRY_HEADER.join(',') + '\r\n' + row.repeat(Math.ceil((10 * 1024 * 1024) / row.length) + 10);
      const res = await upload('/api/v1/admin/industries/import_csv/', content);
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ success: false, code: 'payload_too_large' });
      expect(await count('igny8_industries')).toBe(before);
    });

    it('accepts files above the 5 MB JSON limit and up to 10 MB', async () => {
      const lines = [INDUSTRY_HEADER.join(',')];
      for (let i = 0; i < 7000; i++) lines.push(`Large ${i},large-${i},${'d'.repeat(1100)},true,${i}`);
      const content = lines.join('\r\n');
      expect(content.length).toBeGreaterThan(7 * 1024 * 1024);
      const res = await upload('/api/v1/admin/industries/import_csv/?dry_run=true', content);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ data: { created: 7000, updated: 0, unchanged: 0 } });
    });

    it('refuses more than 50,000 data rows on file', async () => {
      const lines = [SECTOR_HEADER.join(',')];
      for (let i = 0; i <= 50_000; i++) lines.push(`technology,Row ${i},row-${i},,true`);
      const res = await upload('/api/v1/admin/industry-sectors/import_csv/', lines.join('\n'));
      expect(res.statusCode).toBe(400);
      expect(res.json<ErrorBody>().errors.file[0]).toBe('The file has more than 50000 data rows.');
      expect(await count('igny8_industry_sectors', "slug LIKE 'row-%'")).toBe(0);
    });

    it('requires a header naming exactly the columns (any order, case and spacing ignored)', async () => {
      const url = '/api/v1/admin/industries/import_csv/';
      const missing = await upload(
        url,
        csv(['name', 'slug', 'description', 'is_active'], ['A', 'a', '', 'true']),
      );
      expect(missing.statusCode).toBe(400);
      expect(missing.json<ErrorBody>()).toMatchObject({
        code: 'validation_error',
        error: 'Validation failed.',
      });
      expect(missing.json<ErrorBody>().errors.file[0]).toMatch(/^Missing column\(s\): sort_order\./);

      const unknown = await upload(
        url,
        csv([...INDUSTRY_HEADER, 'colour'], ['A', 'a', '', 'true', '0', 'red']),
      );
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json<ErrorBody>().errors.file[0]).toMatch(/^Unknown column\(s\): colour\./);

      const repeated = await upload(url, csv([...INDUSTRY_HEADER, 'slug'], ['A', 'a', '', 'true', '0', 'a']));
      expect(repeated.json<ErrorBody>().errors.file[0]).toMatch(/Repeated column\(s\): slug\./);

      const empty = await upload(url, '');
      expect(empty.statusCode).toBe(400);
      expect(empty.json<ErrorBody>().errors.file[0]).toMatch(/header row is required/);

      const reordered = await upload(
        `${url}?dry_run=true`,
        csv(
          [' Sort_Order ', 'SLUG', 'name', 'is_active', 'description'],
          ['3', 'reordered', 'Reordered', 'true', ''],
        ),
      );
      expect(reordered.statusCode).toBe(200);
      expect(reordered.json()).toMatchObject({
        success: true,
        data: { created: 1, updated: 0, unchanged: 0 },
      });
    });

    it('rejects files that are not UTF-8 or not well-formed CSV', async () => {
      const url = '/api/v1/admin/industries/import_csv/';
      const latin1 = Buffer.concat([
        Buffer.from(INDUSTRY_HEADER.join(',') + '\r\nCaf'),
        Buffer.from([0xe9]),
        Buffer.from(',cafe,,true,0\r\n'),
      ]);
      const notUtf8 = await upload(url, latin1);
      expect(notUtf8.statusCode).toBe(400);
      expect(notUtf8.json<ErrorBody>().errors.file).toEqual(['The file is not valid UTF-8 text.']);

      const unclosed = await upload(url, INDUSTRY_HEADER.join(',') + '\r\n"Open,open,,true,0\r\n');
      expect(unclosed.statusCode).toBe(400);
      expect(unclosed.json<ErrorBody>().errors.file).toEqual(['Row 2: a quoted field is not closed.']);
    });
  });

  describe('industries', () => {
    const url = '/api/v1/admin/industries/import_csv/';

    it('exports every industry as an attachment with the documented columns', async () => {
      const { res, rows } = await exportCsv('/api/v1/admin/industries/export_csv/');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="industries.csv"');
      expect(rows[0]).toEqual(INDUSTRY_HEADER);
      expect(rows.slice(1).map((row) => row[1])).toContain('technology');
      expect(rows.length - 1).toBe(await count('igny8_industries'));
      const technology = rows.find((row) => row[1] === 'technology')!;
      expect(technology[3]).toMatch(/^(true|false)$/);
    });

    it('reports every invalid row with its number (header = row 1) and writes nothing', async () => {
      const before = await snapshot(t.app, CATALOGUE_TABLES);
      const res = await upload(
        url,
        csv(
          INDUSTRY_HEADER,
          ['Valid One', 'valid-one', 'fine', 'true', '1'],
          ['', 'no-name', '', 'true', '0'],
          ['Bad Slug', 'bad slug!', '', 'true', '0'],
          ['Bad Flags', 'bad-flags', '', 'maybe', 'x'],
          ['Too', 'many', 'cells', 'true', '0', 'extra'],
          ['Technology', 'technology-2', '', 'true', '0'],
          ['Valid Two', 'valid-one', '', 'true', '0'],
        ),
      );
      expect(res.statusCode).toBe(400);
      const body = res.json<ErrorBody>();
      expect(body.code).toBe('validation_error');
      expect(body.errors).toEqual({ file: ['6 rows are invalid; nothing was imported.'] });
      expect(body.details!.rows).toEqual([
        { row: 3, errors: { name: ['This field may not be blank.'] } },
        {
          row: 4,
          errors: { slug: ['Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'] },
        },
        {
          row: 5,
          errors: { is_active: ['Must be a valid boolean.'], sort_order: ['A valid integer is required.'] },
        },
        { row: 6, errors: { non_field_errors: ['Expected 5 columns, found 6.'] } },
        { row: 7, errors: { name: ['An industry with this name already exists.'] } },
        { row: 8, errors: { slug: ['Duplicate of row 2.'] } },
      ]);
      expect(await snapshot(t.app, CATALOGUE_TABLES)).toEqual(before);
    });

    it('upserts by slug, counting created, updated and unchanged; dry run writes nothing', async () => {
      const rows = [
        INDUSTRY_HEADER,
        ['Aviation', 'aviation', 'Planes', 'true', '7'],
        ['Maritime', 'maritime', '', 'false', '8'],
      ];
      const dry = await upload(`${url}?dry_run=true`, csv(...rows));
      expect(dry.statusCode).toBe(200);
      expect(dry.json()).toMatchObject({ success: true, data: { created: 2, updated: 0, unchanged: 0 } });
      expect(await count('igny8_industries', "slug IN ('aviation', 'maritime')")).toBe(0);

      const first = await upload(url, csv(...rows));
      expect(first.json()).toMatchObject({ data: { created: 2, updated: 0, unchanged: 0 } });
      const second = await upload(url, csv(...rows, ['Space', 'space', '', '', '']));
      expect(second.json()).toMatchObject({ data: { created: 1, updated: 0, unchanged: 2 } });
      const [space] = await db.query(
        'SELECT name, description, is_active, sort_order FROM igny8_industries WHERE slug = $1',
        ['space'],
      );
      expect(space).toEqual({ name: 'Space', description: '', is_active: true, sort_order: 0 });

      const before = await snapshot(t.app, ['igny8_industries']);
      const dryUpdate = await upload(
        `${url}?dry_run=1`,
        csv(INDUSTRY_HEADER, ['Aviation', 'aviation', 'Jets', 'true', '7']),
      );
      expect(dryUpdate.json()).toMatchObject({ data: { created: 0, updated: 1, unchanged: 0 } });
      expect(await snapshot(t.app, ['igny8_industries'])).toEqual(before);

      const update = await upload(
        url,
        csv(
          INDUSTRY_HEADER,
          ['Aviation', 'aviation', 'Jets', 'true', '7'],
          ['Maritime', 'maritime', '', 'no', '8'],
        ),
      );
      expect(update.json()).toMatchObject({ data: { created: 0, updated: 1, unchanged: 1 } });
      const [aviation] = await db.query('SELECT description FROM igny8_industries WHERE slug = $1', [
        'aviation',
      ]);
      expect(aviation.description).toBe('Jets');
    });

    it('lets names move between rows of one file (A ↔ B) and refuses a name kept by another row', async () => {
      await upload(
        url,
        csv(INDUSTRY_HEADER, ['Swap A', 'swap-a', '', 'true', '0'], ['Swap B', 'swap-b', '', 'true', '0']),
      );
      const swap = await upload(
        url,
        csv(INDUSTRY_HEADER, ['Swap B', 'swap-a', '', 'true', '0'], ['Swap A', 'swap-b', '', 'true', '0']),
      );
      expect(swap.statusCode).toBe(200);
      expect(swap.json()).toMatchObject({ data: { created: 0, updated: 2, unchanged: 0 } });
      const names = await db.query<{ slug: string; name: string }[]>(
        "SELECT slug, name FROM igny8_industries WHERE slug LIKE 'swap-%' ORDER BY slug",
      );
      expect(names).toEqual([
        { slug: 'swap-a', name: 'Swap B' },
        { slug: 'swap-b', name: 'Swap A' },
      ]);

      const taken = await upload(url, csv(INDUSTRY_HEADER, ['Swap B', 'swap-c', '', 'true', '0']));
      expect(taken.statusCode).toBe(400);
      expect(taken.json<ErrorBody>().details!.rows).toEqual([
        { row: 2, errors: { name: ['An industry with this name already exists.'] } },
      ]);
      const sameName = await upload(
        url,
        csv(INDUSTRY_HEADER, ['Twin', 'twin-1', '', 'true', '0'], ['Twin', 'twin-2', '', 'true', '0']),
      );
      expect(sameName.json<ErrorBody>().details!.rows).toEqual([
        { row: 3, errors: { name: ['Duplicate of row 2.'] } },
      ]);
    });

    it('reads quoted fields, embedded commas, quotes and line breaks, LF line ends and a byte-order mark', async () => {
      const content =
        '\uFEFFname,slug,description,is_active,sort_order\n' +
        '"Quoted, Inc.",quoted,"He said ""hi""\non two lines",TRUE,2\n' +
        '\n' +
        'Plain,plain,,1,-3\n';
      const res = await upload(url, Buffer.from(content, 'utf8'));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ data: { created: 2 } });
      const rows = await db.query(
        'SELECT name, description, is_active, sort_order FROM igny8_industries WHERE slug IN ($1, $2) ORDER BY slug',
        ['plain', 'quoted'],
      );
      expect(rows).toEqual([
        { name: 'Plain', description: '', is_active: true, sort_order: -3 },
        { name: 'Quoted, Inc.', description: 'He said "hi"\non two lines', is_active: true, sort_order: 2 },
      ]);

      // The blank line counts as a row, so numbers match what a spreadsheet shows.
      const numbered = await upload(url, 'name,slug,description,is_active,sort_order\n\nNo Slug,,,true,0\n');
      expect(numbered.json<ErrorBody>().details!.rows).toEqual([
        { row: 3, errors: { slug: ['This field may not be blank.'] } },
      ]);
    });
  });

  describe('industry sectors', () => {
    const url = '/api/v1/admin/industry-sectors/import_csv/';

    it('exports sectors with their industry slug', async () => {
      const { res, rows } = await exportCsv('/api/v1/admin/industry-sectors/export_csv/');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="industry-sectors.csv"');
      expect(rows[0]).toEqual(SECTOR_HEADER);
      expect(rows).toContainEqual([
        'technology',
        'Software Development',
        'software-development',
        expect.any(String),
        'true',
      ]);
      expect(rows.length - 1).toBe(await count('igny8_industry_sectors'));
    });

    it('upserts by slug within the industry; unknown industries and duplicates are row errors', async () => {
      const ok = await upload(
        url,
        csv(
          SECTOR_HEADER,
          ['technology', 'Robotics', 'robotics', 'Robots', 'true'],
          ['health-wellness', 'Robotics', 'robotics', 'Care robots', 'true'],
          ['technology', 'Software Development', 'software-development', 'changed', 'true'],
        ),
      );
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ data: { created: 2, updated: 1, unchanged: 0 } });
      expect(await count('igny8_industry_sectors', "slug = 'robotics'")).toBe(2);

      const before = await snapshot(t.app, CATALOGUE_TABLES);
      const bad = await upload(
        url,
        csv(
          SECTOR_HEADER,
          ['atlantis', 'Sunken', 'sunken', '', 'true'],
          ['technology', 'Robots Again', 'robotics', '', 'true'],
          ['technology', 'Robots Again', 'robotics', '', 'true'],
          ['technology', 'Cloud Computing', 'cloud-2', '', 'true'],
          ['', 'No Industry', 'no-industry', '', 'true'],
        ),
      );
      expect(bad.statusCode).toBe(400);
      expect(bad.json<ErrorBody>().errors.file).toEqual(['4 rows are invalid; nothing was imported.']);
      expect(bad.json<ErrorBody>().details!.rows).toEqual([
        { row: 2, errors: { industry_slug: ['Industry "atlantis" does not exist.'] } },
        { row: 4, errors: { slug: ['Duplicate of row 3.'] } },
        { row: 5, errors: { name: ['A sector with this name already exists in this industry.'] } },
        { row: 6, errors: { industry_slug: ['This field may not be blank.'] } },
      ]);
      expect(await snapshot(t.app, CATALOGUE_TABLES)).toEqual(before);
    });
  });

  describe('seed keywords', () => {
    const url = '/api/v1/admin/seed-keywords/import_csv/';

    it('validates each row like a create: industry and sector by name or slug, ranges, enums, country', async () => {
      const before = await snapshot(t.app, CATALOGUE_TABLES);
      const res = await upload(
        url,
        csv(
          SEED_HEADER,
          ['fine keyword', 'Technology', 'Cybersecurity', '10', '5', 'us', 'true', 'commercial'],
          ['x', 'atlantis', 'software-development', '1', '1', 'US', 'true', ''],
          ['x', 'technology', 'nutrition', '1', '1', 'US', 'true', ''],
          ['x', 'technology', 'basket-weaving', '1', '1', 'US', 'true', ''],
          ['x', 'technology', 'cloud-computing', '-1', '101', 'USA', 'perhaps', 'curious'],
          ['', 'technology', 'cloud-computing', '1', '1', 'US', 'true', ''],
          ['k'.repeat(256), 'technology', 'cloud-computing', '', '', '', '', ''],
        ),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json<ErrorBody>().details!.rows).toEqual([
        { row: 3, errors: { industry: ['Industry "atlantis" does not exist.'] } },
        { row: 4, errors: { sector: ['Sector "nutrition" does not belong to industry "technology".'] } },
        { row: 5, errors: { sector: ['Sector "basket-weaving" does not exist.'] } },
        {
          row: 6,
          errors: {
            country: ['Enter a two-letter ISO 3166-1 country code.'],
            intent: ['"curious" is not a valid choice.'],
            volume: ['Ensure this value is greater than or equal to 0.'],
            difficulty: ['Ensure this value is less than or equal to 100.'],
            is_active: ['Must be a valid boolean.'],
          },
        },
        { row: 7, errors: { keyword: ['This field may not be blank.'] } },
        { row: 8, errors: { keyword: ['Ensure this field has no more than 255 characters.'] } },
      ]);
      expect(res.json<ErrorBody>().errors.file).toEqual(['6 rows are invalid; nothing was imported.']);
      expect(await snapshot(t.app, CATALOGUE_TABLES)).toEqual(before);
    });

    it('upserts by (keyword case-insensitively, sector, country); duplicates in one file are errors', async () => {
      const first = await upload(
        url,
        csv(
          SEED_HEADER.slice(0, 7),
          ['  Zero   Trust  Network ', 'technology', 'Cybersecurity', '1200', '40', 'US', 'true'],
          ['zero trust network', 'technology', 'cybersecurity', '300', '20', 'GB', 'true'],
          ['zero trust network', 'Technology', 'cloud-computing', '300', '20', 'US', 'false'],
        ),
      );
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ data: { created: 3, updated: 0, unchanged: 0 } });
      const created = await db.query<
        { keyword: string; intent: string; country: string; is_active: boolean }[]
      >(
        "SELECT keyword, intent, country, is_active FROM igny8_seed_keywords WHERE lower(keyword) = 'zero trust network' ORDER BY id",
      );
      expect(created).toEqual([
        { keyword: 'Zero Trust Network', intent: 'informational', country: 'US', is_active: true },
        { keyword: 'zero trust network', intent: 'informational', country: 'GB', is_active: true },
        { keyword: 'zero trust network', intent: 'informational', country: 'US', is_active: false },
      ]);

      const second = await upload(
        url,
        csv(
          SEED_HEADER,
          ['ZERO TRUST NETWORK', 'technology', 'cybersecurity', '1500', '40', 'us', 'true', 'commercial'],
          ['zero trust network', 'technology', 'cybersecurity', '300', '20', 'GB', 'true', ''],
          [
            'zero trust network',
            'technology',
            'cloud-computing',
            '300',
            '20',
            'US',
            'false',
            'informational',
          ],
        ),
      );
      expect(second.json()).toMatchObject({ data: { created: 0, updated: 1, unchanged: 2 } });
      const [updated] = await db.query(
        "SELECT keyword, volume, intent FROM igny8_seed_keywords WHERE lower(keyword) = 'zero trust network' AND country = 'US' AND is_active",
      );
      expect(updated).toEqual({ keyword: 'Zero Trust Network', volume: 1500, intent: 'commercial' });

      const duplicates = await upload(
        url,
        csv(
          SEED_HEADER,
          ['Edge AI', 'technology', 'cloud-computing', '1', '1', 'US', 'true', ''],
          ['edge   ai', 'technology', 'Cloud Computing', '2', '1', 'us', 'true', ''],
          ['edge ai', 'technology', 'cloud-computing', '2', '1', 'DE', 'true', ''],
        ),
      );
      expect(duplicates.statusCode).toBe(400);
      expect(duplicates.json<ErrorBody>().details!.rows).toEqual([
        { row: 3, errors: { keyword: ['Duplicate of row 2.'] } },
      ]);
      expect(await count('igny8_seed_keywords', "lower(keyword) = 'edge ai'")).toBe(0);
    });

    it('answers the same on the auth/keywords-library/import_csv/ alias', async () => {
      const content = csv(SEED_HEADER, [
        'alias keyword',
        'home-garden',
        'gardening',
        '10',
        '10',
        'US',
        'true',
        'navigational',
      ]);
      const dry = await upload('/api/v1/auth/keywords-library/import_csv/?dry_run=true', content);
      expect(dry.json()).toMatchObject({ success: true, data: { created: 1, updated: 0, unchanged: 0 } });
      expect(await count('igny8_seed_keywords', "keyword = 'alias keyword'")).toBe(0);
      const real = await upload('/api/v1/auth/keywords-library/import_csv', content);
      expect(real.json()).toMatchObject({ data: { created: 1 } });
      const bad = await upload(
        '/api/v1/auth/keywords-library/import_csv/',
        csv(SEED_HEADER, ['x', 'nope', 'nope', '', '', '', '', '']),
      );
      expect(bad.statusCode).toBe(400);
      expect(bad.json<ErrorBody>().details!.rows[0].row).toBe(2);
    });

    it('exports with the keyword-library filters, inactive seeds included', async () => {
      const all = await exportCsv('/api/v1/admin/seed-keywords/export_csv/');
      expect(all.res.statusCode).toBe(200);
      expect(all.res.headers['content-disposition']).toBe('attachment; filename="seed-keywords.csv"');
      expect(all.rows[0]).toEqual(SEED_HEADER);
      expect(all.rows.length - 1).toBe(await count('igny8_seed_keywords'));

      const [cyber] = await db.query<{ id: number }[]>(
        "SELECT id FROM igny8_industry_sectors WHERE slug = 'cybersecurity'",
      );
      const [tech] = await db.query<{ id: number }[]>(
        "SELECT id FROM igny8_industries WHERE slug = 'technology'",
      );
      const filtered = await exportCsv(
        `/api/v1/admin/seed-keywords/export_csv/?industry_id=${tech.id}&sector_ids=${cyber.id}&country=us&volume_min=1000&search=TRUST`,
      );
      expect(filtered.rows.slice(1)).toEqual([
        ['Zero Trust Network', 'technology', 'cybersecurity', '1500', '40', 'US', 'true', 'commercial'],
      ]);

      const inactive = await exportCsv(
        '/api/v1/admin/seed-keywords/export_csv/?is_active=false&search=zero%20trust',
      );
      expect(inactive.rows.slice(1).map((row) => [row[0], row[2], row[6]])).toEqual([
        ['zero trust network', 'cloud-computing', 'false'],
      ]);

      const ordered = await exportCsv(
        `/api/v1/admin/seed-keywords/export_csv/?sector_id=${cyber.id}&ordering=volume`,
      );
      const volumes = ordered.rows.slice(1).map((row) => Number(row[3]));
      expect(volumes).toEqual([...volumes].sort((a, b) => a - b));
      expect(volumes.length).toBe(await count('igny8_seed_keywords', 'sector_id = $1', [cyber.id]));

      const invalid = await t.request({
        method: 'GET',
        url: '/api/v1/admin/seed-keywords/export_csv/?intent=curious&difficulty_max=x',
        headers: dev,
      });
      expect(invalid.statusCode).toBe(400);
      expect(Object.keys(invalid.json<ErrorBody>().errors).sort()).toEqual(['difficulty_max', 'intent']);
    });

    it('imports 50,000 rows with set-based writes in one transaction', async () => {
      const lines = [SEED_HEADER.join(',')];
      for (let i = 0; i < 50_000; i++)
        lines.push(`bulk seed ${i},technology,software-development,${i},${i % 101},US,true,`);
      const started = Date.now();
      const res = await upload(url, lines.join('\r\n'));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ data: { created: 50_000, updated: 0, unchanged: 0 } });
      expect(await count('igny8_seed_keywords', "keyword LIKE 'bulk seed %'")).toBe(50_000);
      const again = await upload(url, lines.join('\r\n'));
      expect(again.json()).toMatchObject({ data: { created: 0, updated: 0, unchanged: 50_000 } });
      expect(Date.now() - started).toBeLessThan(60_000);
      await db.query("DELETE FROM igny8_seed_keywords WHERE keyword LIKE 'bulk seed %'");
    }, 120_000);
  });

  describe('export → import round trip', () => {
    it('re-imports every export unchanged, formula-looking values included', async () => {
      const setup = [
        await upload(
          '/api/v1/admin/industries/import_csv/',
          csv(
            INDUSTRY_HEADER,
            ['"=HYPERLINK(""http://evil"")"', 'formula-industry', '"+1, @me, -2"', 'true', '-5'],
            // One apostrophe is removed on import, so this name is stored as "'=already quoted".
            ["''=already quoted", 'apostrophe-industry', '@SUM(A1)', 'false', '0'],
          ),
        ),
        await upload(
          '/api/v1/admin/industry-sectors/import_csv/',
          csv(SECTOR_HEADER, ['formula-industry', '-Minus Sector', 'minus-sector', '"\tTabbed"', 'true']),
        ),
        await upload(
          '/api/v1/admin/seed-keywords/import_csv/',
          csv(SEED_HEADER, [
            '=cmd|calc!A0',
            'formula-industry',
            'minus-sector',
            '5',
            '5',
            'US',
            'true',
            'commercial',
          ]),
        ),
      ];
      for (const res of setup)
        expect(res.json()).toMatchObject({ success: true, data: { updated: 0, unchanged: 0 } });

      const industries = await exportCsv('/api/v1/admin/industries/export_csv/');
      const raw = industries.res.body;
      expect(raw).toContain(`"'=HYPERLINK(""http://evil"")",formula-industry,"'+1, @me, -2",true,'-5`);
      expect(raw).toContain(`''=already quoted,apostrophe-industry,'@SUM(A1),false,0`);
      expect(
        raw.split('\r\n').every((line) => !/^[=+\-@\t\r]/.test(line) && !/,[=+\-@\t\r]/.test(line)),
      ).toBe(true);
      const sectors = await exportCsv('/api/v1/admin/industry-sectors/export_csv/');
      expect(sectors.res.body).toContain(`formula-industry,'-Minus Sector,minus-sector,'\tTabbed,true`);
      const seeds = await exportCsv('/api/v1/admin/seed-keywords/export_csv/');
      expect(seeds.res.body).toContain(`'=cmd|calc!A0,formula-industry,minus-sector,5,5,US,true,commercial`);

      const before = await snapshot(t.app, CATALOGUE_TABLES);
      for (const [url, exported] of [
        ['/api/v1/admin/industries/import_csv/', industries],
        ['/api/v1/admin/industry-sectors/import_csv/', sectors],
        ['/api/v1/admin/seed-keywords/import_csv/', seeds],
      ] as const) {
        const res = await upload(url, exported.res.rawPayload);
        expect(res.statusCode, url).toBe(200);
        expect(res.json(), url).toMatchObject({
          data: { created: 0, updated: 0, unchanged: exported.rows.length - 1 },
        });
      }
      expect(await snapshot(t.app, CATALOGUE_TABLES)).toEqual(before);
      const [industry] = await db.query(
        "SELECT name, description, sort_order FROM igny8_industries WHERE slug = 'formula-industry'",
      );
      expect(industry).toEqual({
        name: '=HYPERLINK("http://evil")',
        description: '+1, @me, -2',
        sort_order: -5,
      });
    });
  });
});
