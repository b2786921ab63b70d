import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'igny8_session';
const API_KEY_PREFIX = 'igny8_sk_';

/** The kinds of credential, in the order they are read; each has its Passport strategy of that name. */
export type CredentialKind = 'api-key' | 'jwt' | 'session-cookie' | 'basic';

function authorization(request: FastifyRequest): { scheme: string; value: string } {
  const [scheme = '', ...rest] = (request.headers.authorization?.trim() ?? '').split(/\s+/);
  return { scheme: scheme.toLowerCase(), value: rest.join(' ') };
}

function headerApiKey(request: FastifyRequest): string | null {
  const key = request.headers['x-igny8-api-key'];
  return typeof key === 'string' && key !== '' ? key.trim() : null;
}

/** `X-IGNY8-API-KEY` (which wins over `Authorization`), `ApiKey <key>` or `Bearer igny8_sk_…`. */
export function apiKeyFrom(request: FastifyRequest): string | null {
  const headerKey = headerApiKey(request);
  if (headerKey !== null) return headerKey;
  const { scheme, value } = authorization(request);
  if (scheme === 'apikey' || (scheme === 'bearer' && value.startsWith(API_KEY_PREFIX))) return value;
  return null;
}

/** A Bearer value that is not a site API key (possibly empty: then it is an invalid token). */
export function bearerJwtFrom(request: FastifyRequest): string | null {
  if (headerApiKey(request) !== null) return null;
  const { scheme, value } = authorization(request);
  return scheme === 'bearer' && !value.startsWith(API_KEY_PREFIX) ? value : null;
}

export function sessionIdFrom(request: FastifyRequest): string | null {
  return request.cookies?.[SESSION_COOKIE] || null;
}

/** Email and password of `Authorization: Basic`, split at the first colon (passwords may hold colons). */
export function basicFrom(request: FastifyRequest): { email: string; password: string } | null {
  const { scheme, value } = authorization(request);
  if (scheme !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon > 0) return { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  return { email: '', password: '' };
}

/**
 * The first credential present, in the order API key → JWT → session cookie → Basic; that one
 * decides. Any other `Authorization` scheme counts as no credential.
 */
export function credentialKind(request: FastifyRequest): CredentialKind | null {
  if (headerApiKey(request) !== null) return 'api-key';
  const { scheme, value } = authorization(request);
  if (scheme === 'apikey') return 'api-key';
  if (scheme === 'bearer') return value.startsWith(API_KEY_PREFIX) ? 'api-key' : 'jwt';
  if (sessionIdFrom(request)) return 'session-cookie';
  return scheme === 'basic' ? 'basic' : null;
}
