import { z } from 'zod';

export const THROTTLE_SCOPES = [
  'auth_strict',
  'auth',
  'planner',
  'planner_ai',
  'writer',
  'writer_ai',
  'image_gen',
  'content_read',
  'content_write',
  'ai_function',
  'integration',
  'system',
  'system_admin',
  'billing',
  'billing_admin',
  'default',
] as const;
export type ThrottleScope = (typeof THROTTLE_SCOPES)[number];

/** Per-client-IP limits of the anonymous auth flows, beside the per-IP-and-email `auth_strict`. */
export const IP_THROTTLE_LIMITS = ['login_ip', 'password_reset_ip', 'register_ip'] as const;
export type IpThrottleLimit = (typeof IP_THROTTLE_LIMITS)[number];

/** Every named throttler: the route scopes and the per-IP limits. */
export type ThrottlerName = ThrottleScope | IpThrottleLimit;
export const THROTTLER_NAMES: readonly ThrottlerName[] = [...THROTTLE_SCOPES, ...IP_THROTTLE_LIMITS];

export const DEFAULT_THROTTLE_RATES: Record<ThrottleScope, string> = {
  auth_strict: '5/min',
  auth: '20/min',
  planner: '60/min',
  planner_ai: '10/min',
  writer: '60/min',
  writer_ai: '10/min',
  image_gen: '15/min',
  content_read: '100/min',
  content_write: '30/min',
  ai_function: '10/min',
  integration: '100/min',
  system: '100/min',
  system_admin: '30/min',
  billing: '30/min',
  billing_admin: '10/min',
  default: '100/min',
};

export const DEFAULT_IP_THROTTLE_RATES: Record<IpThrottleLimit, string> = {
  /** Failed logins (login route and HTTP Basic) per client IP, whatever the email. */
  login_ip: '10/min',
  /** Password-reset requests per client IP, whatever the email. */
  password_reset_ip: '10/hour',
  /** Accounts registered per client IP. */
  register_ip: '5/hour',
};

const DEFAULT_RATES: Record<ThrottlerName, string> = {
  ...DEFAULT_THROTTLE_RATES,
  ...DEFAULT_IP_THROTTLE_RATES,
};

/** The longest `IDENTITY_CACHE_MS`: how long a change may take to reach a process that missed its notification. */
export const MAX_IDENTITY_CACHE_MS = 2000;
/** `IDENTITY_CACHE_MS` when unset (outside `NODE_ENV=test`). */
export const DEFAULT_IDENTITY_CACHE_MS = 1000;

/** Development-only secrets; production refuses to start with them. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';
export const DEV_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

const positiveInt = (fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a positive integer')
    .optional()
    .transform((v) => (v === undefined ? fallback : Number(v)))
    .refine((n) => n > 0, 'must be a positive integer');

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const optionalUrl = (protocols: string[]) =>
  optionalText.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL (${protocols.join(' or ')})`,
  );

const RATE = /^\d+\/(s|sec|second|m|min|minute|h|hour|d|day)$/;

const cidr = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;

const throttleShape = Object.fromEntries(
  THROTTLER_NAMES.map((name) => [
    `THROTTLE_${name.toUpperCase()}`,
    z
      .string()
      .regex(RATE, 'must look like 60/min')
      .optional()
      .transform((v) => v ?? DEFAULT_RATES[name]),
  ]),
) as unknown as Record<`THROTTLE_${Uppercase<ThrottlerName>}`, z.ZodType<string, string | undefined>>;

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: positiveInt(3000).refine((n) => n < 65536, 'must be a port number'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PUBLIC_BASE_URL: optionalUrl(['http:', 'https:']).transform((v) => v?.replace(/\/+$/, '')),
    TRUSTED_PROXIES: optionalText
      .transform((v) => (v ? v.split(',').map((s) => s.trim()) : []))
      .refine((list) => list.every((c) => cidr.test(c)), 'must be a comma-separated list of IPs or CIDRs'),
    DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
    EMBEDDED_DB_DIR: z.string().min(1).default('./.data/pglite'),
    DATABASE_POOL_SIZE: positiveInt(10),
    /** Milliseconds the access-token check keeps a user's identity row (0 = off, at most 2000). */
    IDENTITY_CACHE_MS: optionalText
      .refine((v) => v === undefined || /^\d+$/.test(v), 'must be a whole number of milliseconds')
      .transform((v) => (v === undefined ? undefined : Number(v)))
      .refine(
        (n) => n === undefined || n <= MAX_IDENTITY_CACHE_MS,
        `must be at most ${MAX_IDENTITY_CACHE_MS}`,
      ),
    TENANT_RLS: bool(false),
    REDIS_URL: optionalUrl(['redis:', 'rediss:']),
    REDIS_TLS: bool(false),
    REDIS_SENTINELS: optionalText
      .transform((v) => (v ? v.split(',').map((s) => s.trim()) : []))
      .refine((list) => list.every((s) => /^[^:]+:\d+$/.test(s)), 'must be host:port,host:port'),
    REDIS_SENTINEL_NAME: optionalText,
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, - or _')
      .default('igny8'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 bytes').default(DEV_JWT_SECRET),
    JWT_ISSUER: z.string().min(1).default('igny8-api'),
    JWT_AUDIENCE: z.string().min(1).default('igny8-api'),
    ENCRYPTION_KEY: z
      .string()
      .default(DEV_ENCRYPTION_KEY)
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
    AUTH_BASIC_ENABLED: z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' }).optional(),
    CORS_ORIGINS: optionalText
      .transform((v) => (v ? v.split(',').map((s) => s.trim().replace(/\/+$/, '')) : []))
      .refine(
        (list) => list.every((o) => /^https?:\/\/[^/]+$/.test(o)),
        'must be comma-separated origins like https://app.example.com',
      ),
    THROTTLE_ENABLED: bool(true),
    ...throttleShape,
    UNIFIED_ERRORS: bool(true),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_DIR: z.string().min(1).default('./logs'),
    LOG_ROTATE_SIZE: z
      .string()
      .regex(/^\d+[KMG]?B?$/i, 'must be a size like 10M')
      .default('10M'),
    LOG_ROTATE_FILES: positiveInt(14),
    MEDIA_DIR: z.string().min(1).default('./.data/media'),
    /** Where `npm run plugin:zip` puts the WordPress plugin's release zips and manifests. */
    PLUGIN_RELEASES_DIR: z.string().min(1).default('./wordpress-plugin/dist'),
    FRONTEND_URL: optionalUrl(['http:', 'https:']).transform((v) => v ?? 'http://localhost:5173'),
    /** The seller block printed on invoice PDFs: lines separated by `|`. */
    INVOICE_SELLER: optionalText.transform((v) => v ?? 'igny8'),
    MAIL_TRANSPORT: z
      .string()
      .default('outbox')
      .refine((v) => v === 'outbox' || /^smtps?:\/\//.test(v), 'must be "outbox" or an smtp:// URL'),
    AI_PROVIDER: z.enum(['openai', 'offline']).optional(),
    OPENAI_API_KEY: optionalText,
    OPENAI_BASE_URL: optionalUrl(['http:', 'https:']),
    AI_REQUEST_TIMEOUT_MS: positiveInt(120_000),
    AI_RETRY_DELAYS_MS: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of milliseconds')
      .default('2000,8000')
      .transform((v) => v.split(',').map(Number)),
    AI_SOFT_TIME_LIMIT_MS: positiveInt(600_000),
    AI_HARD_TIME_LIMIT_MS: positiveInt(660_000),
    QUEUE_LOCK_DURATION_MS: positiveInt(30_000),
    SYSTEM_ADMIN_EMAIL: optionalText.refine(
      (v) => v === undefined || z.email().safeParse(v).success,
      'must be an email address',
    ),
    SYSTEM_ADMIN_PASSWORD: optionalText.refine(
      (v) => v === undefined || v.length >= 8,
      'must be at least 8 characters',
    ),
    STRIPE_SECRET_KEY: optionalText,
    STRIPE_WEBHOOK_SECRET: optionalText,
    PAYPAL_CLIENT_ID: optionalText,
    PAYPAL_CLIENT_SECRET: optionalText,
    PAYPAL_WEBHOOK_ID: optionalText,
    STRIPE_API_BASE: optionalUrl(['http:', 'https:']),
    PAYPAL_API_BASE: optionalUrl(['http:', 'https:']),
    ALLOW_INSECURE_WORDPRESS_URLS: z.enum(['true', 'false', '1', '0']).optional(),
    WORDPRESS_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    const refuse = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (env.JWT_SECRET === DEV_JWT_SECRET)
      refuse('JWT_SECRET', 'the development default is refused in production');
    if (env.ENCRYPTION_KEY === DEV_ENCRYPTION_KEY)
      refuse('ENCRYPTION_KEY', 'the development default is refused in production');
    if (!env.DATABASE_URL) refuse('DATABASE_URL', 'is required in production');
    if (!env.REDIS_URL) refuse('REDIS_URL', 'is required in production');
  })
  .superRefine((env, ctx) => {
    if (env.AI_HARD_TIME_LIMIT_MS <= env.AI_SOFT_TIME_LIMIT_MS)
      ctx.addIssue({
        code: 'custom',
        path: ['AI_HARD_TIME_LIMIT_MS'],
        message: 'must be greater than AI_SOFT_TIME_LIMIT_MS',
      });
  });

export type RawEnv = z.infer<typeof envSchema>;
