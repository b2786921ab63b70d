import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ClsService } from 'nestjs-cls';
import { type RequestContextStore } from '../../../common/context/request-context.js';
import { ChannelLogger } from '../../../common/logging/channel-logger.js';
import { AppConfig } from '../../../config/app-config.js';

/** Why a WordPress exchange failed, as `connection_failed` / `publish_failed` details name it. */
export type WordPressFailureReason =
  | 'unreachable'
  | 'timeout'
  | 'invalid_key'
  | 'invalid_credentials'
  | 'insufficient_permissions'
  | 'connection_disabled'
  | 'plugin_missing'
  | 'invalid_response'
  | 'insecure_url';

/** A request that got no usable HTTP answer (network, timeout, refused target). */
export class WordPressRequestError extends Error {
  constructor(
    readonly reason: WordPressFailureReason,
    message: string,
  ) {
    super(message);
  }
}

/** How igny8-api authenticates to one WordPress site. Never logged. */
export type WordPressAuth =
  { kind: 'bridge'; key: string } | { kind: 'basic'; username: string; password: string };

export interface WordPressTarget {
  /** Normalised base URL (no trailing slash). */
  baseUrl: string;
  auth: WordPressAuth;
  /** `query`: routes are addressed as `/?rest_route=/…` (no pretty permalinks). */
  restStyle?: 'path' | 'query';
}

export interface WordPressCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** REST route without leading slash, e.g. `wp/v2/posts/12`. */
  route: string;
  query?: Record<string, string | number>;
  /** JSON body. */
  json?: unknown;
  /** Raw body (media upload), with its headers. */
  raw?: { body: Buffer; contentType: string; disposition: string };
  /** Media uploads get the longer time limit. */
  media?: boolean;
}

export interface WordPressAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body; undefined when the body was not JSON. */
  body: unknown;
  json: boolean;
  /** The route style that answered (a `path` 404 without JSON falls back to `query`). */
  restStyle: 'path' | 'query';
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Loopback, private, carrier-grade NAT, link-local and unspecified ranges. */
const NON_PUBLIC = (() => {
  const list = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
  ] as const) {
    list.addSubnet(net, prefix, 'ipv4');
  }
  for (const [net, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
  ] as const) {
    list.addSubnet(net, prefix, 'ipv6');
  }
  return list;
})();

/** Whether an IP address is loopback, private or link-local (IPv4-mapped IPv6 included). */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return NON_PUBLIC.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * An absolute http(s) URL without credentials, query or fragment, normalised: lowercase host, no
 * trailing slash. Null when the text is not such a URL.
 */
export function normaliseSiteUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || !url.hostname) return null;
  return `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}`;
}

function routeUrl(target: WordPressTarget, call: WordPressCall, style: 'path' | 'query'): URL {
  const route = call.route.replace(/^\/+/, '');
  const url =
    style === 'query'
      ? new URL(`${target.baseUrl}/`)
      : new URL(`${target.baseUrl}/wp-json/${route.split('/').map(encodeURIComponent).join('/')}`);
  if (style === 'query') url.searchParams.set('rest_route', `/${route}`);
  for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, String(value));
  return url;
}

/**
 * The only way igny8-api talks to WordPress. Every request carries `X-Request-ID` and
 * `User-Agent: IGNY8/<version>`, the mode's credentials, and the time limits of the configuration;
 * targets on loopback, private or link-local addresses, and plain http where https is required, are
 * refused (reason `insecure_url`) unless `ALLOW_INSECURE_WORDPRESS_URLS` is on. The address check runs
 * on the address actually connected to, so a name that resolves to a private address is refused too.
 * Only read-only requests are retried (once, after a network error). Each request is logged to
 * `wordpress-api.log`: method, URL, status and duration, never headers or bodies.
 */
@Injectable()
export class WordPressHttp {
  constructor(
    private readonly config: AppConfig,
    private readonly channels: ChannelLogger,
    private readonly cls: ClsService<RequestContextStore>,
  ) {}

  /**
   * Refuses a target the configuration does not allow (`insecure_url`): a base URL that is not
   * http(s), plain http with an application password, or an IP literal outside public space.
   */
  assertAllowed(target: WordPressTarget): void {
    const url = new URL(target.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new WordPressRequestError('insecure_url', 'Only http(s) WordPress URLs are supported.');
    }
    if (this.config.allowInsecureWordpressUrls) return;
    if (target.auth.kind === 'basic' && url.protocol !== 'https:') {
      throw new WordPressRequestError('insecure_url', 'An application password needs an https:// site URL.');
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && isNonPublicAddress(host)) {
      throw new WordPressRequestError('insecure_url', 'The site URL points at a private or local address.');
    }
    if (host === 'localhost' || host.endsWith('.localhost')) {
      throw new WordPressRequestError('insecure_url', 'The site URL points at a private or local address.');
    }
  }

  async request(target: WordPressTarget, call: WordPressCall): Promise<WordPressAnswer> {
    this.assertAllowed(target);
    const style = target.restStyle ?? 'path';
    const readOnly = call.method === 'GET' || call.method === 'OPTIONS';
    let answer: WordPressAnswer;
    try {
      answer = await this.once(target, call, style);
    } catch (error) {
      if (!readOnly || !(error instanceof WordPressRequestError) || error.reason !== 'unreachable')
        throw error;
      answer = await this.once(target, call, style);
    }
    // No pretty permalinks: `/wp-json/…` is an HTML 404; the same request through `?rest_route=`.
    if (style === 'path' && answer.status === 404 && !answer.json) {
      return this.once(target, call, 'query');
    }
    return answer;
  }

  private requestId(): string {
    const id = this.cls.isActive() ? this.cls.get('requestId') : undefined;
    return typeof id === 'string' && id ? id : randomUUID();
  }

  private headers(target: WordPressTarget, call: WordPressCall, requestId: string): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': `IGNY8/${this.config.version}`,
      'X-Request-ID': requestId,
    };
    if (target.auth.kind === 'bridge') {
      headers.Authorization = `Bearer ${target.auth.key}`;
      headers['X-IGNY8-API-KEY'] = target.auth.key;
    } else {
      const basic = Buffer.from(`${target.auth.username}:${target.auth.password}`).toString('base64');
      headers.Authorization = `Basic ${basic}`;
    }
    if (call.raw) {
      headers['Content-Type'] = call.raw.contentType;
      headers['Content-Disposition'] = call.raw.disposition;
    } else if (call.json !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    return headers;
  }

  /** The address check at connection time (names resolving to private addresses included). */
  private lookup(): LookupFunction | undefined {
    if (this.config.allowInsecureWordpressUrls) return undefined;
    return (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 4);
        const refused = addresses.find((entry) => isNonPublicAddress(entry.address));
        if (refused) {
          return callback(
            new WordPressRequestError('insecure_url', 'The site URL resolves to a private or local address.'),
            '',
            4,
          );
        }
        if (options.all) return callback(null, addresses, 4);
        return callback(null, addresses[0].address, addresses[0].family);
      });
    };
  }

  private once(
    target: WordPressTarget,
    call: WordPressCall,
    style: 'path' | 'query',
  ): Promise<WordPressAnswer> {
    const url = routeUrl(target, call, style);
    const requestId = this.requestId();
    const headers = this.headers(target, call, requestId);
    const body = call.raw
      ? call.raw.body
      : call.json !== undefined
        ? Buffer.from(JSON.stringify(call.json))
        : null;
    if (body) headers['Content-Length'] = String(body.length);
    const { requestTimeoutMs, mediaTimeoutMs, connectTimeoutMs } = this.config.wordpress;
    const limit = call.media ? mediaTimeoutMs : requestTimeoutMs;
    const started = Date.now();
    const logged = { method: call.method, url: url.toString(), request_id: requestId };

    return new Promise<WordPressAnswer>((resolve, reject) => {
      let settled = false;
      const finish = (error: WordPressRequestError | null, answer?: WordPressAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(overall);
        const duration_ms = Date.now() - started;
        if (error) {
          this.channels.error('wordpress-api', 'WordPress request failed', {
            ...logged,
            reason: error.reason,
            error: error.message,
            duration_ms,
          });
          reject(error);
        } else if (answer) {
          this.channels.info('wordpress-api', 'WordPress request', {
            ...logged,
            status: answer.status,
            duration_ms,
          });
          resolve(answer);
        }
      };
      const options: RequestOptions = { method: call.method, headers, lookup: this.lookup() };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy();
            finish(
              new WordPressRequestError('invalid_response', 'WordPress answered with a body too large.'),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          let json = false;
          try {
            parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
            json = true;
          } catch {
            parsed = undefined;
          }
          finish(null, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: parsed,
            json,
            restStyle: style,
          });
        });
        res.on('error', () =>
          finish(new WordPressRequestError('unreachable', 'The connection to WordPress broke.')),
        );
      });
      const overall = setTimeout(() => {
        finish(new WordPressRequestError('timeout', `WordPress did not answer within ${limit} ms.`));
        req.destroy();
      }, limit);
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const connectTimer = setTimeout(() => {
          finish(
            new WordPressRequestError(
              'timeout',
              `Could not connect to WordPress within ${connectTimeoutMs} ms.`,
            ),
          );
          req.destroy();
        }, connectTimeoutMs);
        socket.once('connect', () => clearTimeout(connectTimer));
        socket.once('close', () => clearTimeout(connectTimer));
      });
      req.on('error', (error: Error) => {
        if (error instanceof WordPressRequestError) return finish(error);
        finish(new WordPressRequestError('unreachable', `Could not reach WordPress: ${error.message}`));
      });
      if (body) req.write(body);
      req.end();
    });
  }
}
