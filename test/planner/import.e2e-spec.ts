import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  addSeed,
  type Body,
  data,
  fieldErrors,
  keywordLimitedPlan,
  multipart,
  plannerSnapshot,
  plannerTenant,
  type PlannerTenant,
} from './support.js';

let t: TestApp;
let db: DataSource;
let a: PlannerTenant;
let b: PlannerTenant;

async function importCsv(
  tenant: PlannerTenant,
  fields: Record<string, string | number>,
  csv?: string | Buffer,
): Promise<{ status: number; body: Body }> {
  const { payload, headers } = multipart(fields, csv);
  const response = await t.request({
    method: 'POST',
    url: '/api/v1/planner/keywords/import_keywords/',
    headers: { ...tenant.users.editor.auth, ...headers },
    payload,
  });
  return { status: response.statusCode, body: response.json<Body>() };
}

const keywordsOf = (tenant: PlannerTenant) =>
  db.query<
    {
      keyword: string;
      sector_id: number;
      volume_override: number | null;
      difficulty_override: number | null;
    }[]
  >(
    `SELECT s.keyword, k.sector_id, k.volume_override, k.difficulty_override FROM igny8_keywords k
       JOIN igny8_seed_keywords s ON s.id = k.seed_keyword_id
      WHERE k.site_id = $1 AND k.deleted_at IS NULL ORDER BY k.id`,
    [tenant.site],
  );

beforeAll(async () => {
  t = await createTestApp();
  db = t.app.get(DataSource);
  a = await plannerTenant(t);
  b = await plannerTenant(t);
  await addSeed(t, 'software-development', 'cloud security basics', { volume: 700 });
  await addSeed(t, 'cloud-computing', 'cloud security basics', { volume: 800 });
}, 120_000);
afterAll(() => t.close());

describe('import_keywords', () => {
  it('matches rows to seeds, reports bad rows by row number and duplicates, and creates the rest', async () => {
    await db.query(
      `INSERT INTO igny8_keywords (account_id, site_id, sector_id, seed_keyword_id) VALUES ($1, $2, $3, $4)`,
      [a.accountId, a.site, a.sectors[0], a.seeds['github login']],
    );
    const csv = [
      'Keyword,sector,volume_override,difficulty_override',
      'how to learn python,,1200,',
      '  GitHub   LOGIN ,,,',
      'aws vs azure,,,70',
      'cloud security basics,,,',
      'cloud security basics,cloud-computing,,',
      'Cloud Security Basics,software development,,',
      '',
      ',,,',
      'agile vs waterfall,,abc,',
      'agile vs waterfall,,,101',
      'unknown keyword,,,',
      'what is phishing,,,',
      'serverless architecture,Nutrition,,',
      'how to learn python,,,',
      'buy cloud server,,',
      '"=aws console login",,,',
    ].join('\n');
    const response = await importCsv(a, { site_id: a.site }, csv);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(data(response)).toEqual({
      created_count: 4,
      skipped_count: 11,
      errors: [
        { row: 3, error: 'This keyword already exists in this sector.' },
        {
          row: 5,
          error:
            '"cloud security basics" matches seed keywords in several sectors (Software Development, Cloud Computing): name the sector.',
        },
        { row: 9, error: 'keyword: This field may not be blank.' },
        { row: 10, error: 'volume_override: A valid integer is required.' },
        { row: 11, error: 'difficulty_override: Ensure this value is less than or equal to 100.' },
        { row: 12, error: 'No active seed keyword "unknown keyword" in this site\'s sectors.' },
        { row: 13, error: 'No active seed keyword "what is phishing" in this site\'s sectors.' },
        { row: 14, error: 'sector: "Nutrition" is not a sector of this site.' },
        { row: 15, error: 'This keyword already exists in this sector.' },
        { row: 16, error: 'Expected 4 columns, found 3.' },
        { row: 17, error: 'No active seed keyword "=aws console login" in this site\'s sectors.' },
      ],
    });
    expect(await keywordsOf(a)).toEqual([
      { keyword: 'github login', sector_id: a.sectors[0], volume_override: null, difficulty_override: null },
      {
        keyword: 'how to learn python',
        sector_id: a.sectors[0],
        volume_override: 1200,
        difficulty_override: null,
      },
      { keyword: 'aws vs azure', sector_id: a.sectors[1], volume_override: null, difficulty_override: 70 },
      {
        keyword: 'cloud security basics',
        sector_id: a.sectors[1],
        volume_override: null,
        difficulty_override: null,
      },
      {
        keyword: 'cloud security basics',
        sector_id: a.sectors[0],
        volume_override: null,
        difficulty_override: null,
      },
    ]);
  });

  it('looks only in sector_id when it is given, and counts a file of nothing but duplicates', async () => {
    const csv = 'keyword\r\nserverless architecture\r\nbuy jetbrains license\r\nhow to learn python\r\n';
    const response = await importCsv(a, { site_id: a.site, sector_id: a.sectors[1] }, csv);
    expect(data(response)).toEqual({
      created_count: 1,
      skipped_count: 2,
      errors: [
        { row: 3, error: 'No active seed keyword "buy jetbrains license" in sector "Cloud Computing".' },
        { row: 4, error: 'No active seed keyword "how to learn python" in sector "Cloud Computing".' },
      ],
    });
    const again = await importCsv(
      a,
      { site_id: a.site, sector_id: a.sectors[1] },
      'keyword\nserverless architecture\n',
    );
    expect(again.status).toBe(201);
    expect(data(again)).toEqual({
      created_count: 0,
      skipped_count: 1,
      errors: [{ row: 2, error: 'This keyword already exists in this sector.' }],
    });
  });

  it('refuses bad headers, missing parts, other content types, foreign sites and sectors — writing nothing', async () => {
    const before = await plannerSnapshot(t);
    const cases: [Record<string, string | number>, string | undefined, string[]][] = [
      [{ site_id: a.site }, 'word,sector\nx,y\n', ['file']],
      [{ site_id: a.site }, 'keyword,colour\nx,y\n', ['file']],
      [{ site_id: a.site }, 'keyword,keyword\nx,y\n', ['file']],
      [{ site_id: a.site }, '', ['file']],
      [{ site_id: a.site }, '"keyword\nx\n', ['file']],
      [{ site_id: a.site }, undefined, ['file']],
      [{}, 'keyword\nx\n', ['site_id']],
      [{ site_id: 'abc' }, 'keyword\nx\n', ['site_id']],
      [{ site_id: b.site }, 'keyword\naws vs azure\n', ['site_id']],
      [{ site_id: a.site, sector_id: b.sectors[0] }, 'keyword\naws vs azure\n', ['sector_id']],
      [{ site_id: 2_000_000_000 }, 'keyword\naws vs azure\n', ['site_id']],
    ];
    for (const [fields, csv, errors] of cases) {
      const response = await importCsv(a, fields, csv);
      expect(response.status, JSON.stringify([fields, csv])).toBe(400);
      expect(fieldErrors(response), JSON.stringify([fields, csv])).toEqual(errors);
    }
    const foreign = await importCsv(a, { site_id: b.site }, 'keyword\naws vs azure\n');
    const missing = await importCsv(a, { site_id: 2_000_000_000 }, 'keyword\naws vs azure\n');
    expect(JSON.stringify(foreign.body.errors).replace(String(b.site), '<id>')).toBe(
      JSON.stringify(missing.body.errors).replace('2000000000', '<id>'),
    );
    const json = await t.request({
      method: 'POST',
      url: '/api/v1/planner/keywords/import_keywords/',
      headers: a.users.editor.auth,
      payload: { site_id: a.site },
    });
    expect(json.statusCode).toBe(415);
    expect(await plannerSnapshot(t)).toEqual(before);
  });

  it('refuses a file over 5 MB (413) and over 5,000 rows (400 on file)', async () => {
    const big = `keyword\n${'x'.repeat(5 * 1024 * 1024)}\n`;
    const tooBig = await importCsv(a, { site_id: a.site }, big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 'payload_too_large' });
    const rows = `keyword\n${Array.from({ length: 5001 }, (_, i) => `kw ${i}`).join('\n')}\n`;
    const tooMany = await importCsv(a, { site_id: a.site }, rows);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual({ file: ['The file has more than 5000 data rows.'] });
  });

  it('imports 5,000 rows in one request, and refuses the whole file over max_keywords', async () => {
    const values = Array.from({ length: 5000 }, (_, i) => `('import seed ${i}', ${i})`).join(',');
    await db.query(
      `INSERT INTO igny8_seed_keywords (industry_id, sector_id, keyword, volume)
       SELECT s.industry_id, s.id, v.keyword, v.volume FROM (VALUES ${values}) AS v(keyword, volume)
       JOIN igny8_industry_sectors s ON s.slug = 'cloud-computing'`,
    );
    const csv = `keyword,volume_override\n${Array.from({ length: 5000 }, (_, i) => `Import Seed ${i},${i + 1}`).join('\n')}\n`;
    const tiny = await plannerTenant(t, { plan: await keywordLimitedPlan(t, 4999) });
    const refused = await importCsv(tiny, { site_id: tiny.site }, csv);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'plan_limit_reached',
      details: { limit: 'max_keywords', current: 0, requested: 5000, allowed: 4999 },
    });
    expect(await keywordsOf(tiny)).toEqual([]);

    const started = Date.now();
    const response = await importCsv(b, { site_id: b.site }, csv);
    expect(response.status).toBe(201);
    expect(data(response)).toEqual({ created_count: 5000, skipped_count: 0, errors: [] });
    expect(Date.now() - started).toBeLessThan(30_000);
    const [{ n, total }] = await db.query<{ n: number; total: number }[]>(
      'SELECT count(*)::int AS n, sum(volume_override)::int AS total FROM igny8_keywords WHERE site_id = $1',
      [b.site],
    );
    expect({ n, total }).toEqual({ n: 5000, total: (5000 * 5001) / 2 });
  }, 120_000);
});
