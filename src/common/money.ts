/*
 * Exact money. An amount is a whole number of the currency's minor units held in a `bigint`
 * (cents for USD, yen for JPY, fils for KWD), so adding, subtracting and multiplying by a quantity
 * never round. Amounts enter and leave as decimal strings ("89.00"): the database's `numeric`
 * columns and JSON carry strings, and no amount is ever a JavaScript number with a fraction.
 */

/** Minor-unit digits of the currencies that differ from the usual two (ISO 4217). */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  BHD: 3,
  CLP: 0,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  PYG: 0,
  TND: 3,
  UGX: 0,
  VND: 0,
  XAF: 0,
  XOF: 0,
};

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export class MoneyError extends Error {}

/** How many digits follow the decimal point in `currency` (2 unless ISO 4217 says otherwise). */
export function minorDigits(currency: string): number {
  const code = currency.toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new MoneyError(`Not a currency code: ${currency}`);
  return MINOR_DIGITS[code] ?? 2;
}

/** An exact amount of one currency. */
export class Money {
  private constructor(
    /** Whole minor units (cents), signed. */
    readonly minor: bigint,
    readonly currency: string,
  ) {}

  static ofMinor(minor: bigint, currency: string): Money {
    minorDigits(currency);
    return new Money(minor, currency.toUpperCase());
  }

  static zero(currency: string): Money {
    return Money.ofMinor(0n, currency);
  }

  /**
   * Parses a decimal string ("89", "89.5", "89.50", "-0.10"). More decimals than the currency has
   * are refused unless they are zeros ("89.500" is 89.50 USD; "0.001" USD is an error): nothing is
   * ever rounded silently.
   */
  static parse(value: string, currency: string): Money {
    const digits = minorDigits(currency);
    const match = DECIMAL.exec(value.trim());
    if (!match) throw new MoneyError(`Not a decimal amount: ${JSON.stringify(value)}`);
    const [, sign, whole, fraction = ''] = match;
    const kept = fraction.slice(0, digits);
    if (/[^0]/.test(fraction.slice(digits))) {
      throw new MoneyError(`${value} has more than ${digits} decimals for ${currency}`);
    }
    const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(kept.padEnd(digits, '0') || '0');
    return Money.ofMinor(sign ? -minor : minor, currency);
  }

  /** True when `value` is a decimal string `parse` accepts for `currency`. */
  static isValid(value: unknown, currency: string): value is string {
    if (typeof value !== 'string') return false;
    try {
      Money.parse(value, currency);
      return true;
    } catch {
      return false;
    }
  }

  plus(other: Money): Money {
    return new Money(this.minor + this.same(other).minor, this.currency);
  }

  minus(other: Money): Money {
    return new Money(this.minor - this.same(other).minor, this.currency);
  }

  /** The amount times a whole quantity. */
  times(quantity: number | bigint): Money {
    if (typeof quantity === 'number' && !Number.isInteger(quantity)) {
      throw new MoneyError(`A quantity must be a whole number, not ${quantity}`);
    }
    return new Money(this.minor * BigInt(quantity), this.currency);
  }

  isZero(): boolean {
    return this.minor === 0n;
  }

  isNegative(): boolean {
    return this.minor < 0n;
  }

  compare(other: Money): -1 | 0 | 1 {
    const b = this.same(other).minor;
    return this.minor < b ? -1 : this.minor > b ? 1 : 0;
  }

  equals(other: Money): boolean {
    return this.currency === other.currency && this.minor === other.minor;
  }

  /** The decimal string with exactly the currency's digits ("89.00", "1000", "1.250"). */
  toString(): string {
    return this.toFixed(minorDigits(this.currency));
  }

  /** The decimal string with `scale` decimals (a `numeric(p, scale)` column); refuses to drop digits. */
  toFixed(scale: number): string {
    const digits = minorDigits(this.currency);
    let minor = this.minor;
    if (scale < digits) {
      const factor = 10n ** BigInt(digits - scale);
      if (minor % factor !== 0n) throw new MoneyError(`${this.toString()} does not fit ${scale} decimals`);
      minor /= factor;
    } else {
      minor *= 10n ** BigInt(scale - digits);
    }
    const negative = minor < 0n;
    const text = (negative ? -minor : minor).toString().padStart(scale + 1, '0');
    const whole = text.slice(0, text.length - scale);
    const fraction = scale > 0 ? `.${text.slice(text.length - scale)}` : '';
    return `${negative ? '-' : ''}${whole}${fraction}`;
  }

  toJSON(): string {
    return this.toString();
  }

  private same(other: Money): Money {
    if (other.currency !== this.currency) {
      throw new MoneyError(`Cannot mix ${this.currency} and ${other.currency}`);
    }
    return other;
  }
}

/** The sum of amounts of one currency (zero for none). */
export function sumMoney(amounts: readonly Money[], currency: string): Money {
  return amounts.reduce((total, amount) => total.plus(amount), Money.zero(currency));
}
