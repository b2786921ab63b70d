/*
 * When a schedule next fires (docs/domain-model.md#automation-settings): the scheduler runs a config when the
 * local hour, in the account time zone, equals the hour of `scheduled_time` (weekly: on Mondays; monthly: on
 * the 1st). `next_run_at` is the first instant of that local hour (minute 0), stored in UTC.
 */

export const AUTOMATION_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type AutomationFrequency = (typeof AUTOMATION_FREQUENCIES)[number];

const MINUTE = 60_000;
const DAY = 86_400_000;
const MONDAY = 1;
/** Far beyond any real case (a monthly schedule whose hour is skipped by a clock change on the 1st). */
const LOOKAHEAD_DAYS = 400;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface LocalTime extends LocalDate {
  hour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall clock of `instant` in `timeZone`, as if it were a UTC instant (whole seconds). */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(instant)) parts[type] = Number(value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** Local time minus UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  return wallClock(instant, timeZone) - (instant - (((instant % 1000) + 1000) % 1000));
}

export function localTime(instant: number, timeZone: string): LocalTime {
  const wall = new Date(wallClock(instant, timeZone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
  };
}

/**
 * The first instant whose local time is `hour` on `date`: `hour:00`, the earlier one when the clock
 * is set back over it; when the clock jumps over `hour:00`, the end of the jump if that is still in
 * `hour` (a half-hour shift), else null — the scheduler never sees that hour on that day.
 */
function startOfLocalHour(date: LocalDate, hour: number, timeZone: string): number | null {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour);
  const offsetBefore = offsetAt(wall - DAY, timeZone);
  const offsetAfter = offsetAt(wall + DAY, timeZone);
  const valid = [...new Set([offsetBefore, offsetAfter])]
    .map((offset) => wall - offset)
    .filter((instant) => wallClock(instant, timeZone) === wall);
  if (valid.length > 0) return Math.min(...valid);

  // A gap (the clock jumps forward over `hour:00`): find the first minute on the new offset.
  let before = wall - offsetAfter;
  let after = wall - offsetBefore;
  while (after - before > MINUTE) {
    const middle = before + Math.floor((after - before) / 2 / MINUTE) * MINUTE;
    if (offsetAt(middle, timeZone) === offsetAfter) after = middle;
    else before = middle;
  }
  const landed = localTime(after, timeZone);
  const sameHour =
    landed.year === date.year &&
    landed.month === date.month &&
    landed.day === date.day &&
    landed.hour === hour;
  return sameHour ? after : null;
}

function runsOn(frequency: AutomationFrequency, date: Date): boolean {
  if (frequency === 'weekly') return date.getUTCDay() === MONDAY;
  if (frequency === 'monthly') return date.getUTCDate() === 1;
  return true;
}

/**
 * The next scheduled start strictly after `now`: the next local day matching `frequency` (daily;
 * weekly = Mondays; monthly = the 1st) at `hour`:00 in `timeZone` (an IANA name).
 */
export function nextRunAt(frequency: AutomationFrequency, hour: number, timeZone: string, now: Date): Date {
  const today = localTime(now.getTime(), timeZone);
  for (let ahead = 0; ahead <= LOOKAHEAD_DAYS; ahead++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + ahead));
    if (!runsOn(frequency, day)) continue;
    const date = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
    const start = startOfLocalHour(date, hour, timeZone);
    if (start !== null && start > now.getTime()) return new Date(start);
  }
  throw new Error(`No ${frequency} start at hour ${hour} in ${timeZone} within ${LOOKAHEAD_DAYS} days.`);
}
