import pg from 'pg';
import { DataSource, type EntityManager, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  applyFilters,
  defaultFetch,
  defineList,
  filter,
  filterOptions,
  paginateQuery,
  parseListQuery,
  readsPlainRows,
} from '../../src/common/list/index.js';
import { TestCategory, TestWidget } from '../fixtures/widgets/widget.entities.js';
import { seedWidgets, WidgetsFixtureModule } from '../fixtures/widgets/widgets.module.js';
import { OWNER, WIDGET_STATUSES } from '../fixtures/widgets/widgets.seed.js';
import { createTestApp, type TestApp } from '../support/app.js';

interface ListBody {
  success: boolean;
  count: number;
  next: string | null;
  previous: string | null;
  results: Record<string, unknown>[];
  request_id: string;
}

interface ErrorBody {
  success: false;
  error: string;
  code: string;
  errors?: Record<string, string[]>;
  request_id: string;
}

interface Option {
  value: string | number;
  label: string;
}

const WIDGETS = '/api/v1/test/widgets/';
const OPTIONS = '/api/v1/test/widgets/filter_options/';
const HOST = 'lists.example.test:8443';

let t: TestApp;

async function get<T = ListBody>(url: string, headers: Record<string, string> = {}) {
  const res = await t.request({ method: 'GET', url, headers: { host: HOST, ...headers } });
  return { status: res.statusCode, body: res.json<T>() };
}

/** Ids of a widget list (all on one page). */
async function ids(query: string): Promise<number[]> {
  const { status, body } = await get(`${WIDGETS}?page_size=100&${query}`);
  expect(status, JSON.stringify(body)).toBe(200);
  expect(body.count).toBe(body.results.length);
  return body.results.map((row) => row.id as number);
}

async function fieldErrors(url: string): Promise<Record<string, string[]>> {
  const { status, body } = await get<ErrorBody>(url);
  expect(status, JSON.stringify(body)).toBe(400);
  expect(body).toMatchObject({ success: false, code: 'validation_error', error: 'Validation failed.' });
  expect(body.request_id).toEqual(expect.any(String));
  return body.errors ?? {};
}

async function options(query = ''): Promise<Record<string, Option[]>> {
  const { status, body } = await get<{ data: Record<string, Option[]> }>(`${OPTIONS}?${query}`);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.data;
}

beforeAll(async () => {
  // The fixture tables are created through the app's connections, which row-level security
  // (TENANT_RLS) runs as a role without DDL rights.
  t = await createTestApp({ modules: [WidgetsFixtureModule], redis: false, env: { TENANT_RLS: 'false' } });
  await seedWidgets(t.app.get(DataSource));
});

afterAll(async () => {
  await t.close();
});

describe('list rows and scope', () => {
  it('lists only the rows of the caller scope, with the default ordering -created_at then -id', async () => {
    const { status, body } = await get(`${WIDGETS}?page_size=100`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, count: 12, next: null, previous: null });
    expect(body.results.map((r) => r.id)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(body.results[2]).toEqual({
      id: 10,
      name: 'Kappa gadget',
      status: 'published',
      volume: 1000,
      country: 'GB',
      category_id: 1,
      is_active: true,
      created_at: '2024-01-09T12:30:00.000Z',
    });
  });

  it('ignores unknown query parameters', async () => {
    expect(await ids('foo=bar&password=secret&owner=other&__proto__=x')).toHaveLength(12);
  });
});

describe('filters', () => {
  it('exact enum, string, int and boolean filters', async () => {
    expect(await ids('status=draft')).toEqual([11, 9, 6, 4, 1]);
    expect(await ids('status=not_published')).toEqual([8, 3]);
    expect(await ids('status=scheduled')).toEqual([]);
    expect(await ids('country=US')).toEqual([11, 8, 5, 3, 1]);
    expect(await ids('volume=200')).toEqual([12, 8, 6, 4, 2]);
    expect(await ids('is_active=true')).toEqual([12, 10, 9, 7, 6, 4, 2, 1]);
    expect(await ids('is_active=1')).toEqual([12, 10, 9, 7, 6, 4, 2, 1]);
    expect(await ids('is_active=FALSE')).toEqual([11, 8, 5, 3]);
    expect(await ids('is_active=0&status=published')).toEqual([5]);
  });

  it('an empty value is no filter (the "All" option)', async () => {
    expect(await ids('status=&country=&ids=')).toHaveLength(12);
  });

  it('takes the last value of a repeated parameter', async () => {
    expect(await ids('status=published&status=draft')).toEqual([11, 9, 6, 4, 1]);
  });

  it('relation filter by id, and null for rows without one', async () => {
    expect(await ids('category_id=1')).toEqual([10, 7, 4, 1]);
    expect(await ids('category_id=null')).toEqual([12, 9, 6, 3]);
    expect(await ids('category_id=null&status=draft')).toEqual([9, 6]);
    expect(await ids('category_id=4')).toEqual([]);
  });

  it('ids list (out-of-scope ids stay invisible)', async () => {
    expect(await ids('ids=1,3,13')).toEqual([3, 1]);
    expect(await ids('ids=5')).toEqual([5]);
    expect(await ids('ids=2,%204')).toEqual([4, 2]);
  });

  it('_min/_max are inclusive', async () => {
    expect(await ids('volume_min=200&volume_max=300')).toEqual([12, 8, 6, 4, 3, 2]);
    expect(await ids('volume_min=1000')).toEqual([10]);
    expect(await ids('volume_max=0')).toEqual([11]);
    expect(await ids('volume_min=-5&volume_max=10')).toEqual([11, 9]);
  });

  it('_after/_before are inclusive timestamps with an offset', async () => {
    expect(await ids('created_after=2024-01-06T00:00:00Z&created_before=2024-01-08T00:00:00Z')).toEqual([
      9, 8, 7, 6,
    ]);
    // 2024-01-09T12:30:00Z is 14:30 at +02:00
    expect(await ids(`created_after=${encodeURIComponent('2024-01-09T14:30:00+02:00')}`)).toEqual([
      12, 11, 10,
    ]);
    expect(await ids(`created_after=${encodeURIComponent('2024-01-09T14:30:00.001+02:00')}`)).toEqual([
      12, 11,
    ]);
    expect(await ids(`created_before=${encodeURIComponent('2024-01-01T05:30:00+05:30')}`)).toEqual([1]);
    expect(await ids('created_before=2023-12-31T23:59:59.999999Z')).toEqual([]);
  });

  it('a custom filter binds its value (LIKE wildcards escaped)', async () => {
    expect(await ids('name_starts=al')).toEqual([1]);
    expect(await ids('name_starts=%25')).toEqual([]);
    expect(await ids('name_starts=_')).toEqual([]);
    expect(await fieldErrors(`${WIDGETS}?name_starts=${'x'.repeat(21)}`)).toEqual({
      name_starts: ['Ensure this value has at most 20 characters.'],
    });
  });

  it('a value of the wrong type or outside the enum is a 400 on that parameter', async () => {
    expect(await fieldErrors(`${WIDGETS}?status=archived`)).toEqual({
      status: ['Select a valid choice. That choice is not one of the available choices.'],
    });
    expect(await fieldErrors(`${WIDGETS}?status=DRAFT`)).toHaveProperty('status');
    expect(await fieldErrors(`${WIDGETS}?volume=abc`)).toEqual({ volume: ['Enter a whole number.'] });
    expect(await fieldErrors(`${WIDGETS}?volume=1.5`)).toHaveProperty('volume');
    expect(await fieldErrors(`${WIDGETS}?volume=99999999999999999999`)).toHaveProperty('volume');
    expect(await fieldErrors(`${WIDGETS}?is_active=yes`)).toEqual({
      is_active: ['Must be a valid boolean.'],
    });
    expect(await fieldErrors(`${WIDGETS}?category_id=abc`)).toEqual({
      category_id: ['Enter a positive whole number or "null".'],
    });
    expect(await fieldErrors(`${WIDGETS}?category_id=0`)).toHaveProperty('category_id');
    expect(await fieldErrors(`${WIDGETS}?ids=1,a`)).toEqual({
      ids: ['Enter a comma-separated list of positive whole numbers.'],
    });
    expect(await fieldErrors(`${WIDGETS}?ids=1,,2`)).toHaveProperty('ids');
    expect(await fieldErrors(`${WIDGETS}?ids=0`)).toHaveProperty('ids');
    expect(await fieldErrors(`${WIDGETS}?volume_min=ten`)).toHaveProperty('volume_min');
    expect(await fieldErrors(`${WIDGETS}?volume_max=1e3`)).toHaveProperty('volume_max');
    expect(await fieldErrors(`${WIDGETS}?country=U%00S`)).toEqual({
      country: ['Null characters are not allowed.'],
    });
  });

  it('refuses timestamps that are not ISO 8601 with an offset, or do not exist', async () => {
    for (const bad of [
      '2024-01-01',
      '2024-01-01T10:00:00',
      '2024-02-30T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-01T24:00:00Z',
      'yesterday',
      '2024-01-01T10:00:00+25:00',
    ]) {
      const errors = await fieldErrors(`${WIDGETS}?created_after=${encodeURIComponent(bad)}`);
      expect(errors, bad).toEqual({
        created_after: ['Enter a valid date/time in ISO 8601 format with a UTC offset.'],
      });
    }
  });

  it('reports every bad parameter at once', async () => {
    const errors = await fieldErrors(`${WIDGETS}?status=x&volume=y&page=0&page_size=1000&created_before=z`);
    expect(Object.keys(errors).sort()).toEqual(['created_before', 'page', 'page_size', 'status', 'volume']);
  });
});

describe('search', () => {
  it('is a case-insensitive substring OR-ed across the search fields', async () => {
    expect(await ids('search=WIDGET')).toEqual([12, 6, 4, 1]);
    expect(await ids('search=gb')).toEqual([10, 6, 2]);
    expect(await ids('search=gadget')).toEqual([10, 3]);
    expect(await ids('search=gadget&status=published')).toEqual([10]);
    expect(await ids('search=%20%20')).toHaveLength(12);
  });

  it('matches % and _ literally', async () => {
    expect(await ids('search=%25')).toEqual([8, 2]);
    expect(await ids('search=_')).toEqual([3]);
    expect(await ids('search=0%25')).toEqual([8, 2]);
    expect(await ids('search=%5C')).toEqual([]);
  });

  it('refuses null characters', async () => {
    expect(await fieldErrors(`${WIDGETS}?search=a%00b`)).toEqual({
      search: ['Null characters are not allowed.'],
    });
  });
});

describe('ordering', () => {
  it('orders by an allowed field, ties broken by id in the direction of the first key', async () => {
    expect(await ids('ordering=volume')).toEqual([11, 9, 5, 1, 2, 4, 6, 8, 12, 3, 7, 10]);
    expect(await ids('ordering=-volume')).toEqual([10, 7, 3, 12, 8, 6, 4, 2, 1, 5, 9, 11]);
    expect(await ids('ordering=name')).toEqual([1, 2, 4, 5, 7, 3, 9, 10, 11, 12, 8, 6]);
    expect(await ids('ordering=-id')).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('takes several keys', async () => {
    expect(await ids('ordering=status,-volume')).toEqual([4, 6, 1, 9, 11, 3, 8, 10, 7, 2, 12, 5]);
    expect(await ids('ordering=-status,volume')).toEqual([5, 12, 2, 7, 10, 8, 3, 11, 9, 1, 6, 4]);
    expect(await ids('ordering=%20-status%20,%20volume%20')).toEqual([5, 12, 2, 7, 10, 8, 3, 11, 9, 1, 6, 4]);
  });

  it('ignores unknown and malicious fields, which never reach SQL', async () => {
    const defaultOrder = [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(await ids('ordering=password')).toEqual(defaultOrder);
    expect(await ids(`ordering=${encodeURIComponent('id;drop table test_widgets')}`)).toEqual(defaultOrder);
    expect(await ids(`ordering=${encodeURIComponent('volume desc; drop table test_widgets;--')}`)).toEqual(
      defaultOrder,
    );
    expect(await ids('ordering=owner,-volume,password,volume')).toEqual([
      10, 7, 3, 12, 8, 6, 4, 2, 1, 5, 9, 11,
    ]);
    expect(await ids('ordering=--volume')).toEqual(defaultOrder);
    expect(await ids('ordering=')).toEqual(defaultOrder);
    const [{ exists }] = await t.app
      .get(DataSource)
      .query<{ exists: boolean }[]>(`SELECT to_regclass('test_widgets') IS NOT NULL AS exists`);
    expect(exists).toBe(true);
    expect(await ids('')).toHaveLength(12);
  });
});

describe('pagination', () => {
  it('defaults to page 1 of 10 with absolute links from the request host', async () => {
    const first = await get(WIDGETS);
    expect(first.status).toBe(200);
    expect(first.body.count).toBe(12);
    expect(first.body.results).toHaveLength(10);
    expect(first.body.previous).toBeNull();
    expect(first.body.next).toBe(`http://${HOST}/api/v1/test/widgets/?page=2`);

    const second = await get(`${WIDGETS}?page=2`);
    expect(second.body.results.map((r) => r.id)).toEqual([2, 1]);
    expect(second.body.next).toBeNull();
    expect(second.body.previous).toBe(`http://${HOST}/api/v1/test/widgets/?page=1`);
  });

  it('keeps every query parameter in next/previous and replaces page', async () => {
    const { body } = await get(
      `${WIDGETS}?ordering=-volume&page_size=3&page=2&foo=bar&note=${encodeURIComponent('a b')}`,
    );
    expect(body.results.map((r) => r.id)).toEqual([12, 8, 6]);
    const next = new URL(body.next!);
    const previous = new URL(body.previous!);
    expect(`${next.origin}${next.pathname}`).toBe(`http://${HOST}/api/v1/test/widgets/`);
    expect([...next.searchParams]).toEqual([
      ['ordering', '-volume'],
      ['page_size', '3'],
      ['page', '3'],
      ['foo', 'bar'],
      ['note', 'a b'],
    ]);
    expect(previous.searchParams.get('page')).toBe('1');
    expect(previous.searchParams.get('ordering')).toBe('-volume');
    expect(previous.searchParams.get('note')).toBe('a b');
  });

  it('page_size within 1..100', async () => {
    expect((await get(`${WIDGETS}?page_size=100`)).body.results).toHaveLength(12);
    const one = await get(`${WIDGETS}?page_size=1&page=12`);
    expect(one.body.results.map((r) => r.id)).toEqual([1]);
    expect(one.body.next).toBeNull();
    expect(one.body.previous).toBe(`http://${HOST}/api/v1/test/widgets/?page_size=1&page=11`);
    expect(await fieldErrors(`${WIDGETS}?page_size=1000`)).toEqual({
      page_size: ['Ensure this value is less than or equal to 100.'],
    });
    expect(await fieldErrors(`${WIDGETS}?page_size=101`)).toEqual({
      page_size: ['Ensure this value is less than or equal to 100.'],
    });
    expect(await fieldErrors(`${WIDGETS}?page_size=0`)).toEqual({
      page_size: ['Ensure this value is greater than or equal to 1.'],
    });
    expect(await fieldErrors(`${WIDGETS}?page_size=ten`)).toEqual({
      page_size: ['A valid integer is required.'],
    });
  });

  it('page must be a positive integer', async () => {
    expect(await fieldErrors(`${WIDGETS}?page=0`)).toEqual({
      page: ['Ensure this value is greater than or equal to 1.'],
    });
    expect(await fieldErrors(`${WIDGETS}?page=-1`)).toEqual({ page: ['A valid integer is required.'] });
    expect(await fieldErrors(`${WIDGETS}?page=abc`)).toEqual({ page: ['A valid integer is required.'] });
    expect(await fieldErrors(`${WIDGETS}?page=1.5`)).toHaveProperty('page');
  });

  it('a page past the last is 404 "Invalid page."', async () => {
    for (const url of [`${WIDGETS}?page=999`, `${WIDGETS}?page=3`, `${WIDGETS}?page=99999999999999`]) {
      const { status, body } = await get<ErrorBody>(url);
      expect(status).toBe(404);
      expect(body).toMatchObject({ success: false, code: 'not_found', error: 'Invalid page.' });
    }
    expect((await get(`${WIDGETS}?category_id=4&page=2`)).status).toBe(404);
  });

  it('page 1 of an empty result is 200 with no results', async () => {
    const { status, body } = await get(`${WIDGETS}?category_id=4`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, count: 0, next: null, previous: null, results: [] });
  });
});

// filter_options answers, spelled out
const all = (label: string, ...rest: Option[]): Option[] => [{ value: '', label }, ...rest];
const code = (value: string): Option => ({ value, label: value });
const DRAFT = { value: 'draft', label: 'Draft' };
const NOT_PUBLISHED = { value: 'not_published', label: 'Not Published' };
const PUBLISHED = { value: 'published', label: 'Published' };
const ALPHA = { value: 1, label: 'Alpha' };
const BETA = { value: 2, label: 'beta' };
const NO_CATEGORY = { value: 'null', label: 'No Category' };
const ALL_STATUSES = all('All Statuses', DRAFT, NOT_PUBLISHED, PUBLISHED);
const ALL_CATEGORIES = all('All Categories', ALPHA, BETA, NO_CATEGORY);

describe('filter_options', () => {
  it('offers the values present in scope, All first, sorted by label case-insensitively', async () => {
    expect(await options()).toEqual({
      status: ALL_STATUSES,
      country: all('All Countries', code('DE'), code('FR'), code('GB'), code('US')),
      category_id: ALL_CATEGORIES,
    });
  });

  it('cascades: each key sees the rows matching the other filters', async () => {
    expect(await options('status=draft')).toEqual({
      status: ALL_STATUSES,
      country: all('All Countries', code('DE'), code('GB'), code('US')),
      category_id: ALL_CATEGORIES,
    });
    expect(await options('status=published&country=FR')).toEqual({
      status: all('All Statuses', PUBLISHED),
      country: all('All Countries', code('FR'), code('GB'), code('US')),
      category_id: all('All Categories', ALPHA, NO_CATEGORY),
    });
  });

  it('offers the null option only when such rows exist', async () => {
    const data = await options('status=published&country=GB');
    expect(data.category_id).toEqual(all('All Categories', ALPHA, BETA));
    const nulls = await options('category_id=null');
    expect(nulls.status).toEqual(ALL_STATUSES);
    expect(nulls.category_id).toEqual(ALL_CATEGORIES);
  });

  it('applies search and non-option filters, ignores page parameters', async () => {
    const data = await options('search=widget&page=0&page_size=1000&volume_min=150');
    expect(data.status).toEqual(all('All Statuses', DRAFT, PUBLISHED));
    expect(data.category_id).toEqual(all('All Categories', ALPHA, NO_CATEGORY));
  });

  it('validates its filters like the list', async () => {
    expect(await fieldErrors(`${OPTIONS}?status=bogus&category_id=x`)).toEqual({
      status: ['Select a valid choice. That choice is not one of the available choices.'],
      category_id: ['Enter a positive whole number or "null".'],
    });
  });
});

describe('grouped and entity-backed query builders', () => {
  it('pages a grouped query, ordering by an aggregate with the id tie-break', async () => {
    const url = '/api/v1/test/categories/';
    const byName = await get(url);
    expect(byName.body.count).toBe(4);
    expect(byName.body.results).toEqual([
      { id: 1, name: 'Alpha', widgets_count: 4 },
      { id: 2, name: 'beta', widgets_count: 4 },
      { id: 4, name: 'Delta', widgets_count: 0 },
      { id: 3, name: 'Gamma', widgets_count: 0 },
    ]);
    const byCount = await get(`${url}?ordering=-widgets_count&page_size=3`);
    expect(byCount.body.count).toBe(4);
    expect(byCount.body.results.map((r) => r.id)).toEqual([2, 1, 4]);
    expect(byCount.body.next).toBe(`http://${HOST}${url}?ordering=-widgets_count&page_size=3&page=2`);
    const filtered = await get(`${url}?ids=2,3&search=A`);
    expect(filtered.body.results.map((r) => r.id)).toEqual([2, 3]);
  });

  describe('paginateQuery on raw builders (functions used directly)', () => {
    const byId = defineList({ filters: {}, ordering: { fields: { id: 'w.id' }, default: 'id' } });
    /** The owner's widgets, selecting `columns`, from the app's data source or a transaction's manager. */
    const widgets = (manager: EntityManager, ...columns: string[]) =>
      columns
        .reduce(
          (qb, column) => qb.addSelect(`w.${column}`, column),
          manager.createQueryBuilder().select('w.id', 'id'),
        )
        .from('test_widgets', 'w')
        .where('w.owner = :owner', { owner: OWNER });
    let manager: EntityManager;
    let total: number;
    beforeAll(async () => {
      manager = t.app.get(DataSource).manager;
      total = (await widgets(manager).getRawMany()).length;
    });

    it('counts after the page when a plain-row fetch does not read through the builder it is given', async () => {
      const elsewhere = readsPlainRows((qb: SelectQueryBuilder<ObjectLiteral>) => qb.clone().getRawMany());
      const spy = vi.spyOn(pg.Client.prototype, 'query');
      try {
        const query = parseListQuery(byId, { page_size: '2', page: '2' });
        const page = await paginateQuery(widgets(manager), byId, query, (n) => `p${n}`, elsewhere);
        expect(page).toMatchObject({ count: total, next: 'p3', previous: 'p1' });
        expect(page.results).toHaveLength(2);
        expect(spy).toHaveBeenCalledTimes(2);
        const past = parseListQuery(byId, { page_size: '2', page: String(Math.ceil(total / 2) + 1) });
        await expect(paginateQuery(widgets(manager), byId, past, String, elsewhere)).rejects.toMatchObject({
          status: 404,
        });
      } finally {
        spy.mockRestore();
      }
    });

    it('builds the rows of a page that carries its count with exactly the selected columns, in order', async () => {
      const all = await widgets(manager, 'name', 'volume').orderBy('w.id').getRawMany<{ id: number }>();
      const query = parseListQuery(byId, { page_size: '3' });
      const qb = widgets(manager, 'name', 'volume');
      const page = await paginateQuery(qb, byId, query, String, defaultFetch(qb));
      expect(page.count).toBe(total);
      expect(page.results).toEqual(all.slice(0, 3));
      for (const row of page.results) expect(Object.keys(row)).toEqual(['id', 'name', 'volume']);
    });

    it('counts after the page inside a transaction, where the page goes through the query runner', async () => {
      const query = parseListQuery(byId, { page_size: '2' });
      const page = await manager.transaction((tx) => {
        const qb = widgets(tx);
        return paginateQuery(qb, byId, query, String, defaultFetch(qb));
      });
      expect(page.count).toBe(total);
      expect(page.results).toHaveLength(2);
    });
  });

  it('works on entity-backed builders with joined relations (functions used directly)', async () => {
    const entities = new DataSource({
      type: 'postgres',
      url: t.db.url,
      entities: [TestWidget, TestCategory],
      poolSize: 1,
      logging: false,
    });
    await entities.initialize();
    try {
      const scoped = () =>
        entities
          .getRepository(TestWidget)
          .createQueryBuilder('w')
          .leftJoinAndSelect('w.category', 'c')
          .where('w.owner = :owner', { owner: OWNER });
      const spec = defineList({
        filters: {
          status: filter.enum('w.status', WIDGET_STATUSES, 'All Statuses'),
          category_id: filter.relation('w.category_id', {
            nullable: true,
            options: { all: 'All Categories', none: 'No Category', label: 'c.name' },
          }),
        },
        search: ['w.name', 'c.name'],
        ordering: { fields: { volume: 'w.volume', category: 'c.name' }, default: '-volume' },
      });
      const query = parseListQuery(spec, { status: 'draft', ordering: 'volume', page_size: '2', page: '2' });
      const spy = vi.spyOn(entities.logger, 'logQuery');
      const page = await paginateQuery(
        applyFilters(scoped(), spec, query),
        spec,
        query,
        (n) => `p${n}`,
        defaultFetch(scoped()),
      );
      expect(spy).toHaveBeenCalledTimes(2);
      spy.mockRestore();
      expect(page).toMatchObject({ count: 5, next: 'p3', previous: 'p1' });
      expect(page.results.map((w) => w.id)).toEqual([1, 4]);
      expect(page.results[0]).toBeInstanceOf(TestWidget);
      expect(page.results[0].category).toEqual({ id: 1, name: 'Alpha' });

      const searched = parseListQuery(spec, { search: 'BETA' });
      const found = await paginateQuery(
        applyFilters(scoped(), spec, searched),
        spec,
        searched,
        String,
        defaultFetch(scoped()),
      );
      expect(found.results.map((w) => w.id)).toEqual([8, 2, 5, 11]);

      expect(await filterOptions(scoped, spec, parseListQuery(spec, { status: 'published' }))).toEqual({
        status: ALL_STATUSES,
        category_id: ALL_CATEGORIES,
      });
    } finally {
      await entities.destroy();
    }
  });
});

describe('OpenAPI', () => {
  interface Parameter {
    name: string;
    in: string;
    required?: boolean;
    schema?: Record<string, unknown>;
  }
  type Operation = { parameters?: Parameter[]; responses: Record<string, { content?: unknown }> };

  it('documents the list and filter_options parameters from the spec', async () => {
    const res = await t.request({ method: 'GET', url: '/api/schema/' });
    const paths = res.json<{ paths: Record<string, Record<string, Operation>> }>().paths;
    const list = Object.entries(paths).find(([path]) => path.startsWith('/api/v1/test/widgets'))?.[1].get;
    const params = new Map((list?.parameters ?? []).map((p) => [p.name, p]));
    expect([...params.keys()].sort()).toEqual(
      [
        'category_id',
        'country',
        'created_after',
        'created_before',
        'ids',
        'is_active',
        'name_starts',
        'ordering',
        'page',
        'page_size',
        'search',
        'status',
        'volume',
        'volume_max',
        'volume_min',
      ].sort(),
    );
    expect(params.get('status')).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'string', enum: ['draft', 'published', 'not_published', 'scheduled'] },
    });
    expect(params.get('page_size')?.schema).toMatchObject({ type: 'integer', maximum: 100, default: 10 });
    expect(params.get('created_after')?.schema).toMatchObject({ type: 'string', format: 'date-time' });
    const options = Object.entries(paths).find(([path]) => path.includes('widgets/filter_options'))?.[1].get;
    expect(JSON.stringify(options?.responses['200'])).toContain(
      '"required":["status","country","category_id"]',
    );
  });
});

describe('SQL', () => {
  /** Every statement sent to PostgreSQL while `url` is served (query runners' and `runStatement`'s alike). */
  async function statementsDuring(url: string): Promise<{ sql: string; parameters: unknown[] }[]> {
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    try {
      const res = await t.request({ method: 'GET', url, headers: { host: HOST } });
      expect(res.statusCode, res.body).toBe(200);
      return spy.mock.calls.map(([config, values]) => {
        const statement = typeof config === 'string' ? { text: config, values } : (config as pg.QueryConfig);
        return {
          sql: statement.text,
          parameters: Array.isArray(statement.values) ? (statement.values as unknown[]) : [],
        };
      });
    } finally {
      spy.mockRestore();
    }
  }

  it('runs one statement for a page that carries its count, whatever the filters and page size', async () => {
    const filters = 'status=draft&category_id=null&volume_min=0&search=a&ordering=-volume,name';
    const small = await statementsDuring(`${WIDGETS}?page_size=1&${filters}`);
    const large = await statementsDuring(`${WIDGETS}?page_size=100&${filters}`);
    expect(small).toHaveLength(1);
    expect(large).toHaveLength(1);
    expect(small[0].sql).toMatch(/\(SELECT COUNT\(\*\) AS "count" FROM .*\) AS "list_count_carried" FROM /);
    expect(small[0].sql).toMatch(/ LIMIT 1 OFFSET 0$/);
    expect((await statementsDuring(`${WIDGETS}?page_size=100`)).length).toBe(1);
    // grouped: the count is over a subquery, carried all the same
    const grouped = await statementsDuring('/api/v1/test/categories/?page_size=1');
    expect(grouped).toHaveLength(1);
    expect(grouped[0].sql).toContain('"list_count"');
    // one query per options key
    expect((await statementsDuring(`${OPTIONS}?status=draft`)).length).toBe(3);
  });

  it('binds every request value as a parameter', async () => {
    const marker = "zq'marker";
    const statements = await statementsDuring(
      `${WIDGETS}?search=${encodeURIComponent(marker)}&country=${encodeURIComponent(marker)}&ids=424242`,
    );
    expect(statements).toHaveLength(1);
    for (const { sql, parameters } of statements) {
      expect(sql).not.toContain('marker');
      expect(sql).not.toContain('424242');
      expect(parameters).toContain(marker);
    }
  });
});

describe('PUBLIC_BASE_URL', () => {
  let pub: TestApp;
  beforeAll(async () => {
    pub = await createTestApp({
      modules: [WidgetsFixtureModule],
      redis: false,
      env: { PUBLIC_BASE_URL: 'https://api.igny8.test/', TENANT_RLS: 'false' },
    });
    await seedWidgets(pub.app.get(DataSource));
  });
  afterAll(async () => {
    await pub.close();
  });

  it('builds next/previous from the configured base URL, not the Host header', async () => {
    const res = await pub.request({
      method: 'GET',
      url: `${WIDGETS}?page=2&page_size=5&status=`,
      headers: { host: 'evil.example' },
    });
    const body = res.json<ListBody>();
    expect(body.next).toBe('https://api.igny8.test/api/v1/test/widgets/?page=3&page_size=5&status=');
    expect(body.previous).toBe('https://api.igny8.test/api/v1/test/widgets/?page=1&page_size=5&status=');
  });
});
