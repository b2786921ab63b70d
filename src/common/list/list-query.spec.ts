import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/error-codes.js';
import { likeEscape } from './apply.js';
import { titleCase } from './filter-options.js';
import { parseListQuery, parseOrdering, parseTimestamp } from './list-query.js';
import { defineList, filter, InvalidFilterValue, rangeFilters } from './list-spec.js';
import { pageLinker } from './paginate.js';

const SPEC = defineList({
  filters: { status: filter.enum('t.status', ['a', 'b']), ...rangeFilters('volume', 't.volume') },
  search: ['t.name'],
  ordering: { fields: { name: 'LOWER(t.name)', volume: 't.volume', id: 't.id' }, default: '-volume,name' },
});

describe('parseOrdering', () => {
  it('keeps allowed fields in order, drops unknown and repeated ones', () => {
    expect(parseOrdering(SPEC, ' -name , password,volume,name')).toEqual([
      { field: 'name', sql: 'LOWER(t.name)', descending: true },
      { field: 'volume', sql: 't.volume', descending: false },
    ]);
  });

  it('falls back to the default when nothing valid is asked', () => {
    const fallback = [
      { field: 'volume', sql: 't.volume', descending: true },
      { field: 'name', sql: 'LOWER(t.name)', descending: false },
    ];
    expect(parseOrdering(SPEC, undefined)).toEqual(fallback);
    expect(parseOrdering(SPEC, 'id;drop table t')).toEqual(fallback);
    expect(parseOrdering(SPEC, 'constructor,__proto__,toString')).toEqual(fallback);
  });

  it('never yields SQL outside the allowlist, whatever the input', () => {
    const allowed = new Set(Object.values(SPEC.ordering.fields));
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const keys = parseOrdering(SPEC, raw);
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) expect(allowed.has(key.sql)).toBe(true);
      }),
    );
  });
});

describe('parseTimestamp', () => {
  it('normalises ISO 8601 with an offset', () => {
    expect(parseTimestamp('2024-01-01 10:00Z')).toBe('2024-01-01T10:00:00+00:00');
    expect(parseTimestamp('2024-01-01T10:00:00.5+0530')).toBe('2024-01-01T10:00:00.5+05:30');
    expect(parseTimestamp('2024-02-29T23:59:59.123456-08:00')).toBe('2024-02-29T23:59:59.123456-08:00');
  });

  it('refuses dates that do not exist and values without an offset', () => {
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-01-01T00:60:00Z',
      '2024-01-01T00:00',
    ]) {
      expect(() => parseTimestamp(bad), bad).toThrow(InvalidFilterValue);
    }
  });
});

describe('parseListQuery', () => {
  it('defaults and trims', () => {
    const query = parseListQuery(SPEC, { search: '  x ', status: '' });
    expect(query).toMatchObject({ page: 1, pageSize: 10, search: 'x' });
    expect(query.filters.size).toBe(0);
  });

  it('collects every error into one validation_error', () => {
    try {
      parseListQuery(SPEC, { status: 'c', volume_min: 'x', page_size: '101' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).extra.errors).toEqual({
        status: ['Select a valid choice. That choice is not one of the available choices.'],
        volume_min: ['Enter a whole number.'],
        page_size: ['Ensure this value is less than or equal to 100.'],
      });
    }
  });

  it('skips page parameters for filter_options', () => {
    expect(parseListQuery(SPEC, { page: '0', page_size: 'x' }, { pagination: false }).page).toBe(1);
  });
});

describe('defineList', () => {
  it('refuses reserved keys, unknown default ordering and a nullable relation without its none label', () => {
    expect(() =>
      defineList({
        filters: { page: filter.int('t.page') },
        ordering: { fields: { id: 't.id' }, default: 'id' },
      }),
    ).toThrow(/reserved/);
    expect(() =>
      defineList({ filters: {}, ordering: { fields: { id: 't.id' }, default: '-created_at' } }),
    ).toThrow(/default ordering "created_at"/);
    expect(() =>
      defineList({
        filters: { c: filter.relation('t.c', { nullable: true, options: { all: 'All', label: 'c.name' } }) },
        ordering: { fields: { id: 't.id' }, default: 'id' },
      }),
    ).toThrow(/options.none/);
  });
});

describe('helpers', () => {
  it('titleCase', () => {
    expect(titleCase('not_published')).toBe('Not Published');
    expect(titleCase('in_article')).toBe('In Article');
    expect(titleCase('API_key')).toBe('Api Key');
  });

  it('likeEscape', () => {
    expect(likeEscape('50%_off\\')).toBe('50\\%\\_off\\\\');
  });

  it('pageLinker prefers the public base URL and keeps the query', () => {
    const request = { protocol: 'http' as const, host: 'internal:3000', url: '/api/v1/x/?a=1&page=3&b=%20' };
    expect(pageLinker(request, 'https://api.example.com/')(4)).toBe(
      'https://api.example.com/api/v1/x/?a=1&page=4&b=+',
    );
    expect(pageLinker({ ...request, url: '/api/v1/x' })(2)).toBe('http://internal:3000/api/v1/x?page=2');
  });
});
