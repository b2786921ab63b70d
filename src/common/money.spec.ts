import { describe, expect, it } from 'vitest';
import { minorDigits, Money, MoneyError, sumMoney } from './money.js';

describe('Money', () => {
  it('adds 0.10 + 0.20 to exactly 0.30 (floats give 0.30000000000000004)', () => {
    const sum = Money.parse('0.10', 'USD').plus(Money.parse('0.20', 'USD'));
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sum.toString()).toBe('0.30');
    expect(sum.equals(Money.parse('0.3', 'USD'))).toBe(true);
  });

  it('keeps every cent over many small additions', () => {
    const cents = Array.from({ length: 1000 }, () => Money.parse('0.01', 'USD'));
    expect(sumMoney(cents, 'USD').toString()).toBe('10.00');
    let float = 0;
    for (let i = 0; i < 1000; i += 1) float += 0.01;
    expect(float).not.toBe(10);
  });

  it('multiplies by a quantity and subtracts exactly', () => {
    expect(Money.parse('19.99', 'USD').times(3).toString()).toBe('59.97');
    expect(Money.parse('1.10', 'USD').minus(Money.parse('2.20', 'USD')).toString()).toBe('-1.10');
    expect(Money.parse('0.07', 'USD').times(100).toString()).toBe('7.00');
    expect(() => Money.parse('1.00', 'USD').times(1.5)).toThrow(MoneyError);
  });

  it('handles amounts beyond the safe integer range', () => {
    const big = Money.parse('92233720368547758.07', 'USD');
    expect(big.plus(Money.parse('0.01', 'USD')).toString()).toBe('92233720368547758.08');
  });

  it('formats with the currency minor units', () => {
    expect(minorDigits('usd')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
    expect(Money.parse('1000', 'JPY').toString()).toBe('1000');
    expect(Money.parse('1.5', 'KWD').toString()).toBe('1.500');
    expect(Money.parse('89', 'USD').toString()).toBe('89.00');
    expect(JSON.stringify({ total: Money.parse('5', 'EUR') })).toBe('{"total":"5.00"}');
    expect(Money.parse('1000', 'JPY').toFixed(2)).toBe('1000.00');
    expect(Money.parse('-0.05', 'USD').toString()).toBe('-0.05');
  });

  it('refuses to round silently and refuses bad input', () => {
    expect(Money.parse('89.500', 'USD').toString()).toBe('89.50');
    expect(() => Money.parse('0.001', 'USD')).toThrow(MoneyError);
    expect(() => Money.parse('1.5', 'JPY')).toThrow(MoneyError);
    expect(() => Money.parse('1e3', 'USD')).toThrow(MoneyError);
    expect(() => Money.parse('abc', 'USD')).toThrow(MoneyError);
    expect(() => Money.parse('1', 'US')).toThrow(MoneyError);
    expect(() => Money.parse('1.234', 'KWD').toFixed(2)).toThrow(MoneyError);
    expect(Money.isValid('12.34', 'USD')).toBe(true);
    expect(Money.isValid(12.34, 'USD')).toBe(false);
  });

  it('never mixes currencies', () => {
    expect(() => Money.parse('1', 'USD').plus(Money.parse('1', 'EUR'))).toThrow(MoneyError);
    expect(Money.parse('2', 'USD').compare(Money.parse('10', 'USD'))).toBe(-1);
  });
});
