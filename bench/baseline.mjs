// The bare baseline of the benchmark: Fastify + pg, nothing else, written as a skilled engineer
// would for these three lists: GET /api/v1/planner/keywords/, /api/v1/planner/clusters/ and
// /api/v1/writer/content/ (page, page_size, ordering — no filters, no search) for account-wide
// principals (owner/admin). The same JWT check as our AuthGuard (HS256, issuer, audience,
// typ=access, one user + account + plan lookup, the same account gate), then the page and its
// count in parallel on a pool of connections (bench/baseline-sql.mjs), the same envelope and row
// objects. Started by bench/list.mjs with BENCH_PORT, BENCH_DB_URL, BENCH_POOL_SIZE and
// JWT_SECRET/JWT_ISSUER/JWT_AUDIENCE.
import { Buffer } from 'node:buffer';
import { createSecretKey, randomBytes } from 'node:crypto';
import { URLSearchParams } from 'node:url';
import Fastify from 'fastify';
// The verifier @nestjs/jwt wraps (installed with it).
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { LISTS, USER_SQL } from './baseline-sql.mjs';

pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
const INT8_ARRAY = 1016;
const parseInt8Array = pg.types.getTypeParser(INT8_ARRAY);
pg.types.setTypeParser(INT8_ARRAY, (value) => parseInt8Array(value).map(Number));

const env = process.env;
const pool = new pg.Pool({ connectionString: env.BENCH_DB_URL, max: Number(env.BENCH_POOL_SIZE ?? 10) });
const JWT = {
  secret: createSecretKey(Buffer.from(env.JWT_SECRET, 'utf8')),
  issuer: env.JWT_ISSUER,
  audience: env.JWT_AUDIENCE,
};

/** RFC 9562 UUIDv7, as our request ids. */
function uuidv7() {
  const bytes = randomBytes(16);
  const now = BigInt(Date.now());
  for (let i = 0; i < 6; i++) bytes[i] = Number((now >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

class Failure extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const invalidToken = () => new Failure(401, 'token_invalid', 'Given token not valid for any token type.');

async function authenticate(request) {
  const [scheme, token] = (request.headers.authorization ?? '').trim().split(/\s+/);
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    throw new Failure(401, 'authentication_required', 'Authentication credentials were not provided.');
  }
  let claims;
  try {
    claims = jwt.verify(token, JWT.secret, {
      algorithms: ['HS256'],
      issuer: JWT.issuer,
      audience: JWT.audience,
    });
  } catch (error) {
    if (error.name === 'TokenExpiredError') throw new Failure(401, 'token_expired', 'Token is expired.');
    throw invalidToken();
  }
  if (claims.typ !== 'access' || !Number.isSafeInteger(claims.user_id)) throw invalidToken();
  const {
    rows: [user],
  } = await pool.query(USER_SQL, [claims.user_id]);
  if (!user || !user.is_active || user.role === 'system_bot' || String(user.user_id) !== claims.sub) {
    throw invalidToken();
  }
  if (user.tokens_valid_after && claims.iat * 1000 < user.tokens_valid_after.getTime()) throw invalidToken();
  if (user.account_status === 'cancelled')
    throw new Failure(403, 'account_inactive', 'This account is cancelled.');
  if (user.account_status === 'suspended' || !user.account_is_active) {
    throw new Failure(403, 'account_inactive', 'This account is suspended.');
  }
  if (user.account_status === 'pending_payment' || !user.plan_is_active) {
    throw new Failure(402, 'payment_required', 'Payment is required to activate this account.');
  }
  // Account-wide principals only: developers, system accounts (no account filter) and editors/viewers
  // (granted sites) would need other SQL, which this baseline does not carry.
  if (user.is_superuser || user.account_is_system || !['owner', 'admin'].includes(user.role)) {
    throw new Failure(403, 'permission_denied', 'The baseline serves account owners and admins only.');
  }
  return user;
}

function pageNumber(raw, fallback, max, field) {
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max)) throw new Failure(400, 'validation_error', `Invalid ${field}.`);
  return value;
}

/** `ordering`: allowlisted terms, no repeats, else `-created_at`; the id breaks ties in the first key's direction. */
function orderBy(list, raw) {
  const seen = new Set();
  const keys = [];
  for (const term of (raw ?? '').split(',').map((t) => t.trim())) {
    const descending = term.startsWith('-');
    const field = descending ? term.slice(1) : term;
    if (!Object.hasOwn(list.ordering, field) || seen.has(field)) continue;
    seen.add(field);
    keys.push(`${list.ordering[field]} ${descending ? 'DESC' : 'ASC'}`);
  }
  if (keys.length === 0) keys.push(`${list.ordering.created_at} DESC`);
  keys.push(`${list.id} ${keys[0].endsWith('DESC') ? 'DESC' : 'ASC'}`);
  return keys.join(', ');
}

/** Our pageLinker: protocol://host + path, every parameter kept, `page` replaced or appended. */
function linker(request) {
  const queryAt = request.url.indexOf('?');
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : request.url.slice(queryAt + 1));
  return (page) => {
    if (params.has('page')) params.set('page', String(page));
    else params.append('page', String(page));
    return `${request.protocol}://${request.host}${path}?${params.toString()}`;
  };
}

/** The content list's featured image: the benchmark stores no image files, so there is no URL. */
function contentRow(row) {
  const image = row.featured_image;
  row.featured_image = image === null ? null : { id: image.id, image_url: null, status: image.status };
  return row;
}

const PRESENT = { keywords: (row) => row, clusters: (row) => row, content: contentRow };

function lister(name) {
  const list = LISTS[name];
  const present = PRESENT[name];
  return async (request) => {
    const user = await authenticate(request);
    const page = pageNumber(request.query.page, 1, Number.MAX_SAFE_INTEGER, 'page');
    const pageSize = pageNumber(request.query.page_size, 10, 100, 'page_size');
    const [counted, paged] = await Promise.all([
      pool.query(list.count, [user.account_id]),
      pool.query(list.page(orderBy(list, request.query.ordering), pageSize, (page - 1) * pageSize), [
        user.account_id,
      ]),
    ]);
    const count = counted.rows[0].count;
    const lastPage = Math.max(1, Math.ceil(count / pageSize));
    if (page > lastPage) throw new Failure(404, 'not_found', 'Invalid page.');
    const link = linker(request);
    return {
      success: true,
      count,
      next: page < lastPage ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: paged.rows.map(present),
      request_id: request.id,
    };
  };
}

const app = Fastify({ logger: false, genReqId: uuidv7, routerOptions: { ignoreTrailingSlash: true } });
app.addHook('onRequest', async (request, reply) => {
  reply.header('X-Request-ID', request.id);
});
app.setErrorHandler((error, request, reply) => {
  const status = error instanceof Failure ? error.status : 500;
  const code = error instanceof Failure ? error.code : 'server_error';
  void reply.status(status).send({ success: false, error: error.message, code, request_id: request.id });
});
app.get('/health/live', async () => ({ success: true, status: 'ok' }));
app.get('/api/v1/planner/keywords/', lister('keywords'));
app.get('/api/v1/planner/clusters/', lister('clusters'));
app.get('/api/v1/writer/content/', lister('content'));

const close = () => void app.close().then(() => pool.end().then(() => process.exit(0)));
process.once('SIGTERM', close);
process.once('SIGINT', close);
await app.listen({ port: Number(env.BENCH_PORT), host: '127.0.0.1' });
