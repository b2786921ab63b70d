/** Log paths whose values are secrets (README.md#logging): never written in plaintext. */
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
  // provider credentials (system/integration-providers, system/settings/global-integration)
  'api_secret',
  'webhook_secret',
  'openai_api_key',
  'dalle_api_key',
  'runware_api_key',
  'anthropic_api_key',
  'bria_api_key',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-igny8-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
];

export const REDACTED = '[REDACTED]';

const MAX_DEPTH = 8;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A database error (TypeORM's `QueryFailedError`, the driver's own error): PostgreSQL quotes values in
 * its messages (`invalid input syntax for type integer: "…"`) and details (`Failing row contains (…)`,
 * `Key (email)=(…)`), and TypeORM keeps the bound `parameters`: only the SQL text, the error code and
 * the names of the constraint, table and column it concerns are logged.
 */
function isDatabaseError(error: Error): boolean {
  const fields = error as unknown as Record<string, unknown>;
  return 'driverError' in fields || 'parameters' in fields || typeof fields.severity === 'string';
}

function stackFrames(stack: string | undefined): string | undefined {
  return stack
    ?.split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .join('\n');
}

const DATABASE_ERROR_MESSAGE = 'Database query failed.';

function safeDatabaseError(error: Error): Record<string, unknown> {
  const fields = error as unknown as Record<string, unknown>;
  const driver = (fields.driverError ?? fields) as Record<string, unknown>;
  const out: Record<string, unknown> = {
    type: error.constructor.name || error.name,
    message: DATABASE_ERROR_MESSAGE,
  };
  const code = driver.code ?? fields.code;
  if (typeof code === 'string') out.code = code;
  if (typeof fields.query === 'string') out.query = fields.query;
  for (const key of ['constraint', 'table', 'column'] as const) {
    if (typeof driver[key] === 'string') out[key] = driver[key];
  }
  out.stack = stackFrames(error.stack);
  return out;
}

/** An error as pino's serializer would write it, with secret-named fields redacted and database values left out. */
function safeError(error: Error, depth: number): Record<string, unknown> {
  if (isDatabaseError(error)) return safeDatabaseError(error);
  const out: Record<string, unknown> = {
    type: error.constructor.name || error.name,
    message: error.message,
    stack: error.stack,
  };
  if (depth >= MAX_DEPTH) return out;
  for (const [key, inner] of Object.entries(error)) {
    if (!(key in out)) out[key] = SECRET_KEYS.includes(key) ? REDACTED : redact(inner, depth + 1);
  }
  if (error.cause !== undefined) out.cause = redact(error.cause, depth + 1);
  return out;
}

/**
 * Deep copy of `value` with every secret-named key replaced, at any depth (pino's `redact` paths only
 * reach fixed depths), and errors reduced to what may be logged. Only arrays, plain objects and
 * errors are copied: dates, buffers and requests are left to their serializers.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return safeError(value, depth);
  if (depth > MAX_DEPTH) return value;
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

/**
 * The arguments of a pino log call with the message pino would take from a logged error (`log(err)`,
 * `log({ err })` without a message) made safe: a database error's message quotes values.
 */
export function safeLogArguments(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  if (first === null || typeof first !== 'object' || rest.some((arg) => arg !== undefined)) return args;
  const error = first instanceof Error ? first : (first as { err?: unknown }).err;
  if (!(error instanceof Error) || !isDatabaseError(error)) return args;
  return [first instanceof Error ? { err: first } : first, DATABASE_ERROR_MESSAGE];
}
