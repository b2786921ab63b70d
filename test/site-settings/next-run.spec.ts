import { describe, expect, it } from 'vitest';
import { type AutomationFrequency, nextRunAt } from '../../src/modules/automation-config/next-run.js';

function next(frequency: AutomationFrequency, hour: number, timeZone: string, now: string): string {
  return nextRunAt(frequency, hour, timeZone, new Date(now)).toISOString();
}

describe('nextRunAt', () => {
  describe('daily', () => {
    it('is today at the hour while the hour is still ahead, else tomorrow', () => {
      expect(next('daily', 2, 'UTC', '2026-01-10T01:59:59.999Z')).toBe('2026-01-10T02:00:00.000Z');
      expect(next('daily', 2, 'UTC', '2026-01-10T02:00:00.000Z')).toBe('2026-01-11T02:00:00.000Z');
      expect(next('daily', 2, 'UTC', '2026-01-10T02:05:00.000Z')).toBe('2026-01-11T02:00:00.000Z');
      expect(next('daily', 0, 'UTC', '2026-01-10T23:30:00.000Z')).toBe('2026-01-11T00:00:00.000Z');
      expect(next('daily', 23, 'UTC', '2026-01-10T23:30:00.000Z')).toBe('2026-01-11T23:00:00.000Z');
    });

    it('counts the hour and the day in the account time zone', () => {
      // 05:30 on the 10th in Kolkata (+05:30): 02:00 local is next on the 11th.
      expect(next('daily', 2, 'Asia/Kolkata', '2026-01-10T00:00:00.000Z')).toBe('2026-01-10T20:30:00.000Z');
      // 21:00 UTC on the 10th is 10:00 on the 11th in Auckland (+13:00 in January).
      expect(next('daily', 9, 'Pacific/Auckland', '2026-01-10T21:00:00.000Z')).toBe(
        '2026-01-11T20:00:00.000Z',
      );
      expect(next('daily', 11, 'Pacific/Auckland', '2026-01-10T21:00:00.000Z')).toBe(
        '2026-01-10T22:00:00.000Z',
      );
      // Kathmandu (+05:45).
      expect(next('daily', 6, 'Asia/Kathmandu', '2026-01-10T00:00:00.000Z')).toBe('2026-01-10T00:15:00.000Z');
    });
  });

  describe('weekly (Mondays)', () => {
    it('is the next local Monday at the hour', () => {
      // 2026-01-10 is a Saturday; the 12th and 19th are Mondays.
      expect(next('weekly', 2, 'UTC', '2026-01-10T12:00:00.000Z')).toBe('2026-01-12T02:00:00.000Z');
      expect(next('weekly', 2, 'UTC', '2026-01-12T01:00:00.000Z')).toBe('2026-01-12T02:00:00.000Z');
      expect(next('weekly', 2, 'UTC', '2026-01-12T03:00:00.000Z')).toBe('2026-01-19T02:00:00.000Z');
    });

    it('uses the local Monday, which may be Tuesday in UTC', () => {
      // Monday 23:00 in Los Angeles (-08:00) is Tuesday 07:00 UTC.
      expect(next('weekly', 23, 'America/Los_Angeles', '2026-01-12T12:00:00.000Z')).toBe(
        '2026-01-13T07:00:00.000Z',
      );
      // Monday 01:00 in Tokyo (+09:00) is Sunday 16:00 UTC.
      expect(next('weekly', 1, 'Asia/Tokyo', '2026-01-10T00:00:00.000Z')).toBe('2026-01-11T16:00:00.000Z');
    });
  });

  describe('monthly (the 1st)', () => {
    it('rolls over month ends, leap days and the year end', () => {
      expect(next('monthly', 2, 'UTC', '2026-01-31T12:00:00.000Z')).toBe('2026-02-01T02:00:00.000Z');
      expect(next('monthly', 2, 'UTC', '2026-02-01T03:00:00.000Z')).toBe('2026-03-01T02:00:00.000Z');
      expect(next('monthly', 2, 'UTC', '2028-02-29T12:00:00.000Z')).toBe('2028-03-01T02:00:00.000Z');
      expect(next('monthly', 2, 'UTC', '2026-04-30T23:59:00.000Z')).toBe('2026-05-01T02:00:00.000Z');
      expect(next('monthly', 2, 'UTC', '2026-12-15T00:00:00.000Z')).toBe('2027-01-01T02:00:00.000Z');
      expect(next('monthly', 0, 'UTC', '2026-12-01T00:00:00.000Z')).toBe('2027-01-01T00:00:00.000Z');
    });

    it('uses the local 1st, which may be the last day of the month before in UTC', () => {
      // The 1st at 02:00 in Tokyo is the 30th/31st at 17:00 UTC.
      expect(next('monthly', 2, 'Asia/Tokyo', '2026-04-15T00:00:00.000Z')).toBe('2026-04-30T17:00:00.000Z');
      // Already the 1st in Tokyo (00:30 local), but 02:00 is still ahead.
      expect(next('monthly', 2, 'Asia/Tokyo', '2026-04-30T15:30:00.000Z')).toBe('2026-04-30T17:00:00.000Z');
      // The 1st at 20:00 in New York (-04:00) is the 2nd at 00:00 UTC.
      expect(next('monthly', 20, 'America/New_York', '2026-05-31T00:00:00.000Z')).toBe(
        '2026-06-02T00:00:00.000Z',
      );
    });
  });

  describe('clock changes', () => {
    // New York: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
    it('follows the offset change across the spring-forward day', () => {
      expect(next('daily', 3, 'America/New_York', '2026-03-07T12:00:00.000Z')).toBe(
        '2026-03-08T07:00:00.000Z',
      );
      expect(next('daily', 1, 'America/New_York', '2026-03-07T12:00:00.000Z')).toBe(
        '2026-03-08T06:00:00.000Z',
      );
      expect(next('daily', 4, 'America/New_York', '2026-03-08T08:30:00.000Z')).toBe(
        '2026-03-09T08:00:00.000Z',
      );
    });

    it('skips a day whose hour the clock jumps over (the scheduler never sees it)', () => {
      expect(next('daily', 2, 'America/New_York', '2026-03-07T12:00:00.000Z')).toBe(
        '2026-03-09T06:00:00.000Z',
      );
      // London: 2026-03-29 01:00 GMT → 02:00 BST.
      expect(next('daily', 1, 'Europe/London', '2026-03-28T12:00:00.000Z')).toBe('2026-03-30T00:00:00.000Z');
    });

    it('takes the end of a half-hour jump that stays within the hour', () => {
      // Lord Howe: 2026-10-04 02:00 (+10:30) → 02:30 (+11:00); local hour 2 starts at 02:30.
      expect(next('daily', 2, 'Australia/Lord_Howe', '2026-10-03T12:00:00.000Z')).toBe(
        '2026-10-03T15:30:00.000Z',
      );
    });

    it('takes the first of a repeated hour, once', () => {
      expect(next('daily', 1, 'America/New_York', '2026-10-31T12:00:00.000Z')).toBe(
        '2026-11-01T05:00:00.000Z',
      );
      // During the first pass through 01:xx the next start is the following day, not the repeat.
      expect(next('daily', 1, 'America/New_York', '2026-11-01T05:30:00.000Z')).toBe(
        '2026-11-02T06:00:00.000Z',
      );
      expect(next('daily', 2, 'America/New_York', '2026-10-31T12:00:00.000Z')).toBe(
        '2026-11-01T07:00:00.000Z',
      );
    });

    it('keeps the local hour across a clock change on a weekly schedule', () => {
      // Mondays 02:00 in Berlin: 2026-03-23 (+01:00) then 2026-03-30 (+02:00, after the 29th).
      expect(next('weekly', 2, 'Europe/Berlin', '2026-03-23T02:00:00.000Z')).toBe('2026-03-30T00:00:00.000Z');
      expect(next('weekly', 2, 'Europe/Berlin', '2026-03-22T12:00:00.000Z')).toBe('2026-03-23T01:00:00.000Z');
    });
  });
});
