/** Node's socket errors: the database (or Redis) cannot be reached or dropped the connection. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
/** PostgreSQL: admin/crash shutdown, cannot connect now, too many connections (class 08 is checked apart). */
const POSTGRES_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What pg and its pool, and ioredis, say when a connection ends or cannot be had in time. */
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|Stream isn't writeable|Command timed out|max retries per request/;

/**
 * Whether an error means a backing service is out of reach rather than a bug: the client gets
 * 503 `service_unavailable` (and retries later) instead of 500. Looks through TypeORM's
 * `driverError` and `cause` chains.
 */
export function isServiceUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const { code, message, driverError, cause } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
  };
  if (
    typeof code === 'string' &&
    (SOCKET_CODES.has(code) || POSTGRES_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
  ) {
    return true;
  }
  if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
  return isServiceUnavailable(driverError, depth + 1) || isServiceUnavailable(cause, depth + 1);
}
