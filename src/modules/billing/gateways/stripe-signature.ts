import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far the signed timestamp may be from now, either way (seconds). */
export const STRIPE_SIGNATURE_TOLERANCE_S = 300;

/** Why a Stripe-Signature header was refused (the webhook answers 400 `invalid_signature`). */
export class StripeSignatureError extends Error {}

/** HMAC-SHA256 of `"<timestamp>.<raw body>"` with the signing secret, in hex: one `v1` value. */
export function stripeSignature(rawBody: string, secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/**
 * Checks a `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` header against the raw body: valid when
 * any `v1` equals the expected signature (compared in constant time; several appear while a secret is
 * being rolled) and `t` is within `toleranceS` of `nowMs`. Other schemes (`v0`) are ignored.
 */
export function verifyStripeSignature(
  rawBody: string,
  header: string | undefined,
  secret: string,
  nowMs = Date.now(),
  toleranceS = STRIPE_SIGNATURE_TOLERANCE_S,
): void {
  if (!header) throw new StripeSignatureError('Missing Stripe-Signature header.');
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1') signatures.push(value);
  }
  if (timestamp === null) throw new StripeSignatureError('The signature has no timestamp.');
  if (signatures.length === 0) throw new StripeSignatureError('The signature has no v1 value.');
  const expected = Buffer.from(stripeSignature(rawBody, secret, timestamp), 'utf8');
  const matches = signatures.some((candidate) => {
    const given = Buffer.from(candidate, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new StripeSignatureError('No signature matches the body.');
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceS) {
    throw new StripeSignatureError('The signature timestamp is outside the tolerance.');
  }
}
