/*
 * Publishing slots (docs/publishing.md#scheduler): the configured local times on the allowed weekdays,
 * in the account's time zone, each holding one item, within the daily, weekly (ISO, Monday–Sunday)
 * and monthly limits counted over content already scheduled or published.
 */

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function localParts(instant: Date, timeZone: string): LocalParts {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(instant)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour % 24,
    minute: parts.minute,
  };
}

/** Local wall-clock time minus UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(new Date(instant), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(instant / 60_000) * 60_000;
}

/**
 * The instant of a local wall-clock time in `timeZone`. A time the clocks skip (02:30 on the night
 * they go forward) is taken as the same time after the change (03:30); a time that happens twice
 * (01:30 on the night they go back) as its first occurrence.
 */
export function zonedInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): Date {
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  const first = wanted - offsetAt(wanted, timeZone);
  const instant = wanted - offsetAt(first, timeZone);
  if (instant + offsetAt(instant, timeZone) === wanted) {
    // The earlier of two readings when the time happens twice.
    const earlier = wanted - offsetAt(instant - 3 * 3_600_000, timeZone);
    return new Date(earlier + offsetAt(earlier, timeZone) === wanted ? Math.min(earlier, instant) : instant);
  }
  // Skipped: read with the offset from before the change, which lands after it.
  const before = offsetAt(instant - 3 * 3_600_000, timeZone);
  const after = offsetAt(instant + 3 * 3_600_000, timeZone);
  return new Date(Math.max(wanted - before, wanted - after));
}

/** Day, ISO week and month keys of an instant in `timeZone`. */
export function periodKeys(instant: Date, timeZone: string): { day: string; week: string; month: string } {
  const p = localParts(instant, timeZone);
  const date = new Date(Date.UTC(p.year, p.month - 1, p.day));
  const weekday = (date.getUTCDay() + 6) % 7; // Monday = 0
  const monday = new Date(date.getTime() - weekday * 86_400_000);
  return {
    day: date.toISOString().slice(0, 10),
    week: monday.toISOString().slice(0, 10),
    month: date.toISOString().slice(0, 7),
  };
}

export interface SlotRules {
  timeZone: string;
  publishDays: readonly string[];
  timeSlots: readonly string[];
  daily: number;
  weekly: number;
  monthly: number;
}

/**
 * Gives each of `count` items the earliest free slot strictly after `now`, looking ahead 60 days;
 * `taken` are the instants already scheduled or published (they fill slots and count towards the
 * limits). Returns the instants found (fewer than `count` when the limits run out).
 */
export function assignSlots(rules: SlotRules, now: Date, taken: readonly Date[], count: number): Date[] {
  const counts = new Map<string, number>();
  const bump = (keys: { day: string; week: string; month: string }) => {
    for (const key of [`d:${keys.day}`, `w:${keys.week}`, `m:${keys.month}`]) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  };
  const used = new Set(taken.map((instant) => instant.getTime()));
  for (const instant of taken) bump(periodKeys(instant, rules.timeZone));
  const slots = [...rules.timeSlots].sort();
  const found: Date[] = [];
  const today = localParts(now, rules.timeZone);
  for (let offset = 0; offset <= 60 && found.length < count; offset++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    if (!rules.publishDays.includes(WEEKDAYS[date.getUTCDay()])) continue;
    for (const slot of slots) {
      if (found.length >= count) break;
      const [hour, minute] = slot.split(':').map(Number);
      const instant = zonedInstant(
        date.getUTCFullYear(),
        date.getUTCMonth() + 1,
        date.getUTCDate(),
        hour,
        minute,
        rules.timeZone,
      );
      if (instant.getTime() <= now.getTime() || used.has(instant.getTime())) continue;
      const keys = periodKeys(instant, rules.timeZone);
      if ((counts.get(`d:${keys.day}`) ?? 0) >= rules.daily) continue;
      if ((counts.get(`w:${keys.week}`) ?? 0) >= rules.weekly) continue;
      if ((counts.get(`m:${keys.month}`) ?? 0) >= rules.monthly) continue;
      used.add(instant.getTime());
      bump(keys);
      found.push(instant);
    }
  }
  return found;
}
