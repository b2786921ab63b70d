import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { pageSchema } from '../../common/http/page-schema.js';
import { KEYWORD_SCHEMA, type KeywordView } from './presenters.js';

const keyword = (overrides: Partial<KeywordView> = {}): KeywordView => ({
  id: 9_007_199_254_740_991,
  created_at: new Date('2024-05-01T10:00:00.123Z'),
  updated_at: new Date('0999-12-31T23:59:59.000Z'),
  account_id: 1,
  created_by: null,
  site_id: 2,
  sector_id: 3,
  deleted_at: null,
  deleted_by: null,
  deleted_cascade_id: null,
  seed_keyword_id: 4,
  volume_override: null,
  difficulty_override: 0,
  attribute_values: [{ name: 'colour', values: ['red', 'blue'] }, null, 1.5],
  cluster_id: null,
  status: 'new',
  disabled: false,
  keyword: 'best "running" shoes \\ 2024',
  volume: 12_000,
  difficulty: 45,
  intent: 'commercial',
  country: 'US',
  cluster_name: null,
  sector_name: 'Footwear',
  ...overrides,
});

/** What a route with the keyword list's response schema writes for `results`. */
async function written(results: object[]): Promise<{ body: string; expected: string }> {
  const app = Fastify();
  const envelope = {
    success: true,
    count: results.length,
    next: 'http://localhost/api/v1/planner/keywords/?page=2',
    previous: null,
    results,
    request_id: 'req-1',
  };
  app.get('/', { schema: { response: { 200: pageSchema(KEYWORD_SCHEMA) } } }, () => envelope);
  const response = await app.inject('/');
  await app.close();
  return { body: response.body, expected: JSON.stringify(envelope) };
}

describe('the keyword list response schema', () => {
  it('writes a page exactly as JSON.stringify would', async () => {
    const { body, expected } = await written([
      keyword(),
      keyword({
        created_by: 7,
        deleted_at: new Date('2025-01-02T03:04:05.006Z'),
        deleted_by: 7,
        deleted_cascade_id: '0194b3c2-aaaa-7bbb-8ccc-123456789abc',
        volume_override: 10,
        cluster_id: 8,
        status: 'mapped',
        disabled: true,
        keyword: 'line\nbreak\ttab \u0001 é 日本 🏃 lone \ud800 surrogate',
        cluster_name: 'Cluster "A"',
        sector_name: null,
      }),
    ]);
    expect(body).toBe(expected);
  });

  it('still writes fields the schema does not name', async () => {
    const { body, expected } = await written([{ ...keyword(), extra: { nested: true } }]);
    expect(body).toBe(expected);
  });
});
