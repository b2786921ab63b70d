import { describe, expect, it } from 'vitest';
import { invoiceNumberPrefix } from './invoice-issuer.js';
import { addMonths } from './invoice-payments.service.js';

describe('billing dates', () => {
  it('adds calendar months in UTC, clamped to the last day of the month', () => {
    expect(addMonths(new Date('2026-01-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addMonths(new Date('2028-01-31T10:00:00Z'), 1).toISOString()).toBe('2028-02-29T10:00:00.000Z');
    expect(addMonths(new Date('2026-03-15T00:00:00Z'), 12).toISOString()).toBe('2027-03-15T00:00:00.000Z');
    expect(addMonths(new Date('2026-12-31T23:59:59Z'), 1).toISOString()).toBe('2027-01-31T23:59:59.000Z');
  });

  it('prefixes invoice numbers with the account and the UTC month', () => {
    expect(invoiceNumberPrefix(42, new Date('2026-01-31T23:30:00-05:00'))).toBe('INV-42-202602-');
    expect(invoiceNumberPrefix(7, new Date('2026-12-01T00:00:00Z'))).toBe('INV-7-202612-');
  });
});
