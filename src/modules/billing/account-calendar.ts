import { ApiError, type FieldErrors } from '../../common/http/error-codes.js';
import { filter, InvalidFilterValue, type Sql } from '../../common/list/index.js';
import { queryValue, type RawQuery } from '../../common/list/list-query.js';

/*
 * Days of the account's calendar: dates are `YYYY-MM-DD` in the account time
 * zone, and a day covers [its local midnight, the next local midnight). The zone is bound once per
 * query under `:billing_tz` (OwnAccountRows sets it), so the bounds are constants for the
 * `(account_id, created_at)` index.
 */

export const BILLING_TZ = 'billing_tz';

const DATE_FORMAT_MESSAGE = 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.';

/** A calendar date `YYYY-MM-DD` (checked field by field, so `2025-02-30` is refused), else throws. */
export function parseDay(raw: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!match) throw new InvalidFilterValue(DATE_FORMAT_MESSAGE);
  const [year, month, day] = match.slice(1).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    throw new InvalidFilterValue(DATE_FORMAT_MESSAGE);
  }
  return raw;
}

/** The instant the local day `date` (an SQL date) starts in the account time zone. */
function dayStart(date: Sql): Sql {
  return `(CAST(${date} AS timestamp) AT TIME ZONE :${BILLING_TZ})`;
}

/** `column` is on or after the local day `date` (an SQL date expression). */
function fromDay(column: Sql, date: Sql): Sql {
  return `${column} >= ${dayStart(`CAST(${date} AS date)`)}`;
}

/** `column` is on or before the local day `date` (an SQL date expression). */
function untilDay(column: Sql, date: Sql): Sql {
  return `${column} < ${dayStart(`CAST(${date} AS date) + 1`)}`;
}

/** `column` falls on a local day from `from` to `to`, both inclusive. */
export function withinDays(column: Sql, from: Sql, to: Sql): Sql {
  return `${fromDay(column, from)} AND ${untilDay(column, to)}`;
}

/** The local date of `column`, as `YYYY-MM-DD` text. */
export function localDate(column: Sql): Sql {
  return `to_char(${column} AT TIME ZONE :${BILLING_TZ}, 'YYYY-MM-DD')`;
}

/** The list filters `start_date` and `end_date` (inclusive local days) on a timestamp column. */
export function dayRangeFilters(column: Sql) {
  return {
    start_date: filter.custom(parseDay, (day, bind) => fromDay(column, bind(day))),
    end_date: filter.custom(parseDay, (day, bind) => untilDay(column, bind(day))),
  };
}

export interface DayRange {
  start_date: string;
  end_date: string;
}

/**
 * `start_date`/`end_date` of a report: each defaults separately (`fallback`); a malformed date or a
 * start after the end answers 400 `validation_error`.
 */
export function parseDayRange(raw: RawQuery, fallback: DayRange): DayRange {
  const errors: FieldErrors = {};
  const read = (key: keyof DayRange): string => {
    const value = queryValue(raw, key);
    if (value === undefined || value === '') return fallback[key];
    try {
      return parseDay(value);
    } catch (error) {
      if (!(error instanceof InvalidFilterValue)) throw error;
      errors[key] = [error.message];
      return fallback[key];
    }
  };
  const range = { start_date: read('start_date'), end_date: read('end_date') };
  if (Object.keys(errors).length === 0 && range.start_date > range.end_date) {
    errors.end_date = ['Ensure this date is on or after start_date.'];
  }
  if (Object.keys(errors).length > 0) throw ApiError.validation(errors);
  return range;
}

/** `count` consecutive dates ending with `last` (`YYYY-MM-DD`), oldest first. */
export function daysEndingOn(last: string, count: number): string[] {
  const end = Date.parse(`${last}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}
