import type { Presence } from '../../../common/http/field-rule.js';
import { type ApiExtras, field, nullableIf } from '../../../common/http/fields.js';

/* Body validators for times of day (`HH:MM`) and instants (ISO 8601 with an offset). */

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
export const CLOCK_TIME_SCHEMA = { type: 'string', pattern: CLOCK_TIME.source } as const;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

export const CLOCK_TIME_MESSAGE = 'Time has wrong format. Use one of these formats instead: hh:mm.';
const TIMESTAMP_MESSAGE =
  'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].';

/** A time of day `HH:MM` (00:00–23:59). */
export function isClockTime(value: unknown): value is string {
  return typeof value === 'string' && CLOCK_TIME.test(value);
}

/** An ISO 8601 date-time with `Z` or an offset, on a real calendar day. */
export function isTimestamp(value: unknown): value is string {
  const match = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = match.slice(1, 4).map(Number);
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export const ClockTime = (presence: Presence = {}, api?: ApiExtras) =>
  field(
    'clock_time',
    (value) => (isClockTime(value) ? null : CLOCK_TIME_MESSAGE),
    presence,
    CLOCK_TIME_SCHEMA,
    api,
  );

export const Timestamp = (presence: Presence = {}, api?: ApiExtras) =>
  field(
    'timestamp',
    (value) => (isTimestamp(value) ? null : TIMESTAMP_MESSAGE),
    presence,
    { type: 'string', format: 'date-time', ...nullableIf(presence) },
    api,
  );
