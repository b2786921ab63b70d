/** Log paths whose values are secrets (architecture.md "Logging"): never written in plaintext. */
export const SECRET_KEYS = [
  'password',
  'password_confirm',
  'new_password',
  'old_password',
  'token',
  'access',
  'refresh',
  'api_key',
  'apiKey',
  'key',
  'secret',
  'reset_link',
  'resetLink',
  'authorization',
  'cookie',
  'application_password',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-igny8-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
];

export const REDACTED = '[REDACTED]';

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Deep copy of `value` with every secret-named key replaced, at any depth (pino's `redact` paths only
 * reach fixed depths). Only arrays and plain objects are copied: errors, dates, buffers and requests
 * are left to their serializers.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      SECRET_KEYS.includes(key) || SECRET_KEYS.includes(key.toLowerCase())
        ? REDACTED
        : redact(inner, depth + 1);
  }
  return out;
}
