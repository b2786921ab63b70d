import { describe, expect, it } from 'vitest';
import { stripeSignature, StripeSignatureError, verifyStripeSignature } from './stripe-signature.js';

const secret = 'whsec_test';
const body = '{"id":"evt_1","type":"checkout.session.completed"}';
const now = 1_800_000_000_000;
const t = now / 1000;

describe('verifyStripeSignature', () => {
  it('accepts any matching v1 among several, within 300 s either way', () => {
    const good = stripeSignature(body, secret, t);
    expect(() =>
      verifyStripeSignature(body, `t=${t},v1=${'0'.repeat(64)},v1=${good}`, secret, now),
    ).not.toThrow();
    expect(() =>
      verifyStripeSignature(body, `t=${t - 300},v1=${stripeSignature(body, secret, t - 300)}`, secret, now),
    ).not.toThrow();
    expect(() =>
      verifyStripeSignature(body, `t=${t + 300},v1=${stripeSignature(body, secret, t + 300)}`, secret, now),
    ).not.toThrow();
  });

  it('refuses a tampered body, another secret, a stale or future timestamp, and malformed headers', () => {
    const good = stripeSignature(body, secret, t);
    const refuse = (raw: string, header: string | undefined) =>
      expect(() => verifyStripeSignature(raw, header, secret, now)).toThrow(StripeSignatureError);
    refuse(body.replace('evt_1', 'evt_2'), `t=${t},v1=${good}`);
    refuse(body, `t=${t},v1=${stripeSignature(body, 'whsec_other', t)}`);
    refuse(body, `t=${t - 301},v1=${stripeSignature(body, secret, t - 301)}`);
    refuse(body, `t=${t + 301},v1=${stripeSignature(body, secret, t + 301)}`);
    refuse(body, `t=${t},v0=${good}`);
    refuse(body, `v1=${good}`);
    refuse(body, `t=${t},v1=${good.slice(0, 63)}`);
    refuse(body, undefined);
    refuse(body, '');
  });
});
