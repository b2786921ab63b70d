import { describe, expect, it } from 'vitest';
import { AppConfig } from '../../src/config/app-config.js';
import {
  isNonPublicAddress,
  normaliseSiteUrl,
  WordPressHttp,
  WordPressRequestError,
} from '../../src/modules/integration/wordpress/wordpress-http.js';
import { assignSlots, zonedInstant } from '../../src/modules/publisher/publish-slots.js';
import { publishHtml } from '../../src/modules/publisher/publish-html.js';
import { postMeta, type PublishRequest } from '../../src/modules/publisher/wordpress-adapter.js';
import type { ChannelLogger } from '../../src/common/logging/channel-logger.js';
import type { ClsService } from 'nestjs-cls';
import type { RequestContextStore } from '../../src/common/context/request-context.js';

// The pure rules of WordPress publishing: transport safety, site URLs, the publish HTML, the slots.

function client(allowInsecure: boolean): WordPressHttp {
  const config = new AppConfig({ NODE_ENV: 'test', ALLOW_INSECURE_WORDPRESS_URLS: String(allowInsecure) });
  const logs: unknown[] = [];
  const channels = {
    info: (...args: unknown[]) => logs.push(args),
    error: (...args: unknown[]) => logs.push(args),
  };
  const cls = { isActive: () => false } as unknown as ClsService<RequestContextStore>;
  return new WordPressHttp(config, channels as unknown as ChannelLogger, cls);
}

describe('WordPress transport safety', () => {
  it('refuses loopback, private and link-local targets and plain http with a password (insecure_url)', async () => {
    const http = client(false);
    for (const baseUrl of [
      'https://127.0.0.1',
      'https://10.1.2.3',
      'https://192.168.1.10',
      'https://169.254.169.254',
      'https://[::1]',
      'https://localhost',
      'http://wp.example.com',
    ]) {
      const call = http.request(
        { baseUrl, auth: { kind: 'basic', username: 'a', password: 'b' } },
        { method: 'GET', route: 'wp/v2/posts' },
      );
      await expect(call, baseUrl).rejects.toBeInstanceOf(WordPressRequestError);
      await expect(call, baseUrl).rejects.toMatchObject({ reason: 'insecure_url' });
    }
  });

  it('allows them when ALLOW_INSECURE_WORDPRESS_URLS is on', () => {
    expect(() =>
      client(true).assertAllowed({
        baseUrl: 'http://127.0.0.1:1',
        auth: { kind: 'basic', username: 'a', password: 'b' },
      }),
    ).not.toThrow();
  });

  it('classifies addresses', () => {
    expect(isNonPublicAddress('8.8.8.8')).toBe(false);
    expect(isNonPublicAddress('172.20.0.1')).toBe(true);
    expect(isNonPublicAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isNonPublicAddress('fe80::1')).toBe(true);
  });

  it('normalises site URLs and refuses credentials, queries and other schemes', () => {
    expect(normaliseSiteUrl('https://WP.Example.com/blog/')).toBe('https://wp.example.com/blog');
    for (const bad of [
      'https://u:p@wp.example.com',
      'ftp://wp.example.com',
      'https://wp.example.com/?a=1',
      'nope',
    ]) {
      expect(normaliseSiteUrl(bad), bad).toBeNull();
    }
  });
});

describe('publish HTML', () => {
  const image = (position: number) => ({
    position,
    url: `https://x/${position}.webp`,
    alt: 'A "b"',
    caption: '',
    width: 10,
    height: 5,
  });
  it('puts image p before the (p+2)-th h2 and appends the rest by position', () => {
    const html = '<p>i</p><h2>A</h2><p>a</p><h2>B</h2><p>b</p><h2>C</h2>';
    const out = publishHtml(html, [image(2), image(0), image(1)]);
    expect(out.indexOf('igny8-image-0')).toBeLessThan(out.indexOf('<h2>B</h2>'));
    expect(out.indexOf('igny8-image-0')).toBeGreaterThan(out.indexOf('<h2>A</h2>'));
    expect(out.indexOf('igny8-image-1')).toBeLessThan(out.indexOf('<h2>C</h2>'));
    expect(out.endsWith('</figure>')).toBe(true);
    expect(out).toContain('alt="A &quot;b&quot;"');
    expect(out).not.toContain('figcaption');
  });
});

describe('publishing slots', () => {
  const rules = {
    timeZone: 'Asia/Karachi',
    publishDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
    timeSlots: ['09:00', '14:00', '18:00'],
    daily: 2,
    weekly: 3,
    monthly: 50,
  };
  it('uses local slots strictly after now, within the daily and weekly limits, skipping taken slots', () => {
    // Monday 2026-01-05 10:00 in Karachi (UTC+5).
    const now = new Date('2026-01-05T05:00:00Z');
    const taken = [new Date('2026-01-05T09:00:00Z')]; // Monday 14:00 local
    const slots = assignSlots(rules, now, taken, 5);
    expect(slots.map((d) => d.toISOString())).toEqual([
      '2026-01-05T13:00:00.000Z', // Monday 18:00 (daily limit 2 reached with the taken one)
      '2026-01-06T04:00:00.000Z', // Tuesday 09:00; then the weekly limit of 3 is reached
      '2026-01-12T04:00:00.000Z', // next Monday
      '2026-01-12T09:00:00.000Z',
      '2026-01-13T04:00:00.000Z',
    ]);
  });
  it('maps local times through daylight-saving changes: skipped times move forward, repeated ones come first', () => {
    const at = (h: number, m: number, month: number, day: number) =>
      zonedInstant(2026, month, day, h, m, 'America/New_York').toISOString();
    expect(at(9, 0, 3, 7)).toBe('2026-03-07T14:00:00.000Z'); // EST
    expect(at(9, 0, 3, 8)).toBe('2026-03-08T13:00:00.000Z'); // EDT
    expect(at(2, 30, 3, 8)).toBe('2026-03-08T07:30:00.000Z'); // skipped: 03:30 EDT
    expect(at(3, 30, 3, 8)).toBe('2026-03-08T07:30:00.000Z');
    expect(at(1, 30, 11, 1)).toBe('2026-11-01T05:30:00.000Z'); // twice: the first (EDT)
    expect(at(9, 0, 11, 1)).toBe('2026-11-01T14:00:00.000Z'); // EST
    expect(zonedInstant(2026, 10, 25, 2, 30, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedInstant(2026, 3, 29, 2, 30, 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedInstant(2026, 1, 5, 23, 59, 'Asia/Kolkata').toISOString()).toBe('2026-01-05T18:29:00.000Z');
    // Two slots landing on one instant hold one item.
    const rules = {
      timeZone: 'America/New_York',
      publishDays: ['sun'],
      timeSlots: ['02:30', '03:30'],
      daily: 5,
      weekly: 50,
      monthly: 50,
    };
    expect(assignSlots(rules, new Date('2026-03-07T12:00:00Z'), [], 2).map((d) => d.toISOString())).toEqual([
      '2026-03-08T07:30:00.000Z',
      '2026-03-15T06:30:00.000Z',
    ]);
  });
  it('finds nothing when the limit is zero', () => {
    expect(assignSlots({ ...rules, daily: 0 }, new Date(), [], 3)).toEqual([]);
  });
});

describe('post meta (application password)', () => {
  const request = (writable: string[]) =>
    ({
      content_id: 7,
      cluster_id: null,
      sector_id: 3,
      task_id: 9,
      meta_title: 'SEO title',
      meta_description: 'SEO description',
      primary_keyword: 'cloud backup',
      secondary_keywords: ['offsite', 'restore'],
      keyword_ids: [11, 12],
      writable_meta_keys: writable,
    }) as unknown as PublishRequest;

  it('writes only the keys WordPress reports writable, lists as JSON arrays', () => {
    expect(postMeta(request([]))).toBeUndefined();
    expect(
      postMeta(
        request([
          '_yoast_wpseo_title',
          '_yoast_wpseo_metadesc',
          '_igny8_content_id',
          '_igny8_cluster_id',
          '_igny8_secondary_keywords',
          '_igny8_keyword_ids',
        ]),
      ),
    ).toEqual({
      _yoast_wpseo_title: 'SEO title',
      _yoast_wpseo_metadesc: 'SEO description',
      _igny8_content_id: 7,
      _igny8_secondary_keywords: '["offsite","restore"]',
      _igny8_keyword_ids: '[11,12]',
    });
  });
});
