import { Injectable } from '@nestjs/common';
import type { AuthMode, IntegrationConfig } from '../entities/site-integration.entity.js';
import {
  type WordPressAnswer,
  type WordPressFailureReason,
  WordPressHttp,
  WordPressRequestError,
  type WordPressTarget,
} from './wordpress-http.js';

export type ConnectionOutcome =
  | { ok: true; http_status: number; config: IntegrationConfig; duration_ms: number }
  | {
      ok: false;
      http_status: number | null;
      reason: WordPressFailureReason;
      message: string;
      duration_ms: number;
    };

const SEO_DESCRIPTION_KEYS = [
  ['_yoast_wpseo_metadesc', 'yoast'],
  ['_seopress_titles_desc', 'seopress'],
  ['_aioseo_description', 'aioseo'],
] as const;

export const SEO_PLUGINS = ['yoast', 'seopress', 'aioseo', 'none'] as const;

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The `data` of a plugin envelope `{success, data}`, or the bare object. */
export function envelopeData(body: unknown): Record<string, unknown> {
  const object = record(body);
  return 'data' in object && typeof object.data === 'object' ? record(object.data) : object;
}

/** The error text of a WordPress or plugin error body, else `WordPress returned HTTP <n>`. */
export function remoteMessage(answer: WordPressAnswer): string {
  const body = record(answer.body);
  for (const key of ['message', 'error']) {
    if (typeof body[key] === 'string' && body[key]) return String(body[key]).slice(0, 1000);
  }
  return `WordPress returned HTTP ${answer.status}`;
}

/**
 * Text WordPress sent HTML-escaped (term names and titles of the core REST API: `News &amp; Views`,
 * `Caf&#233;`), as plain text.
 */
export function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#039;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&amp;/g, '&');
}

/** The SEO plugin whose description key WordPress lets us write, else `none`. */
export function seoPluginFromMetaKeys(keys: readonly string[]): string {
  return SEO_DESCRIPTION_KEYS.find(([key]) => keys.includes(key))?.[1] ?? 'none';
}

/**
 * The connection test of each mode (docs/publishing.md#connection-test): the plugin's `status` route
 * with the site key, or an authenticated edit-context read of the posts with the application password
 * followed by the writable meta keys of the posts schema.
 */
@Injectable()
export class WordPressConnection {
  constructor(private readonly http: WordPressHttp) {}

  async test(target: WordPressTarget, mode: AuthMode): Promise<ConnectionOutcome> {
    const started = Date.now();
    const failed = (http_status: number | null, reason: WordPressFailureReason, message: string) =>
      ({ ok: false, http_status, reason, message, duration_ms: Date.now() - started }) as const;
    try {
      if (mode === 'bridge_api_key') {
        const answer = await this.http.request(target, { method: 'GET', route: 'igny8/v1/status' });
        const base = { rest_style: answer.restStyle } as const;
        if (answer.status === 401) return failed(401, 'invalid_key', 'WordPress refused the API key.');
        if (answer.status === 403)
          return failed(403, 'connection_disabled', 'The plugin connection is disabled.');
        if (answer.status === 404)
          return failed(404, 'plugin_missing', 'The IGNY8 bridge plugin is not active.');
        if (answer.status !== 200 || !answer.json || record(answer.body).success === false) {
          return failed(answer.status, 'invalid_response', remoteMessage(answer));
        }
        const data = envelopeData(answer.body);
        if (data.connection_enabled === false) {
          return failed(200, 'connection_disabled', 'The plugin connection is disabled.');
        }
        const seo = typeof data.seo_plugin === 'string' ? data.seo_plugin : 'none';
        return {
          ok: true,
          http_status: 200,
          duration_ms: Date.now() - started,
          config: {
            ...base,
            plugin: {
              version: data.plugin_version ?? null,
              wp_version: data.wp_version ?? null,
              php_version: data.php_version ?? null,
              two_way_sync: data.two_way_sync ?? null,
              last_seen_at: new Date().toISOString(),
            },
            seo_plugin: (SEO_PLUGINS as readonly string[]).includes(seo) ? seo : 'none',
          },
        };
      }
      const posts = await this.http.request(target, {
        method: 'GET',
        route: 'wp/v2/posts',
        query: { context: 'edit', per_page: 1 },
      });
      if (posts.status === 401)
        return failed(401, 'invalid_credentials', 'WordPress refused the credentials.');
      if (posts.status === 403) {
        return failed(403, 'insufficient_permissions', 'The WordPress user cannot edit posts.');
      }
      if (posts.status !== 200 || !posts.json || !Array.isArray(posts.body)) {
        return failed(posts.status, 'invalid_response', remoteMessage(posts));
      }
      const schema = await this.http.request(
        { ...target, restStyle: posts.restStyle },
        { method: 'OPTIONS', route: 'wp/v2/posts' },
      );
      const meta = record(record(record(record(schema.body).schema).properties).meta);
      const keys = Object.keys(record(meta.properties));
      return {
        ok: true,
        http_status: 200,
        duration_ms: Date.now() - started,
        config: {
          rest_style: posts.restStyle,
          writable_meta_keys: keys,
          seo_plugin: seoPluginFromMetaKeys(keys),
        },
      };
    } catch (error) {
      if (error instanceof WordPressRequestError) return failed(null, error.reason, error.message);
      throw error;
    }
  }
}
