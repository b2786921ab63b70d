/*
 * Exact decimal arithmetic for the numeric columns of AI models (prices per 1M tokens, per image):
 * a decimal text is held as a bigint scaled by 10^scale, so costs never pass through floating point.
 */

const DECIMAL_TEXT = /^(\d+)(?:\.(\d+))?$/;

/** `"0.150000"` at scale 6 → 150000n. The text is a non-negative decimal with at most `scale` decimals. */
export function toScaled(text: string, scale: number): bigint {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) throw new RangeError(`Not a non-negative decimal: "${text}"`);
  const [, whole, fraction = ''] = match;
  if (fraction.length > scale) throw new RangeError(`More than ${scale} decimals: "${text}"`);
  return BigInt(whole + fraction.padEnd(scale, '0'));
}

/** 150000n at scale 6 → `"0.150000"`. */
export function formatScaled(value: bigint, scale: number): string {
  const digits = value.toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** `numerator / denominator` rounded half up (both non-negative). */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** Re-states a decimal text at exactly `scale` decimals (`"0.15"` → `"0.150000"`). */
export function atScale(text: string, scale: number): string {
  return formatScaled(toScaled(text, scale), scale);
}
