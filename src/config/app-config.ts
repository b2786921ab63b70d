import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_IDENTITY_CACHE_MS,
  envSchema,
  THROTTLER_NAMES,
  type ThrottlerName,
} from './config.schema.js';
import { envFileProblems, loadedEnvFiles } from './env-file.js';
import { StartupError } from './startup-error.js';

export class ConfigError extends StartupError {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface ThrottleRate {
  limit: number;
  windowMs: number;
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
};

function parseRate(rate: string): ThrottleRate {
  const [count, unit] = rate.split('/');
  return { limit: Number(count), windowMs: UNIT_MS[unit] };
}

function parseSize(size: string): string {
  const match = /^(\d+)([KMG])?B?$/i.exec(size);
  return match ? `${match[1]}${(match[2] ?? 'B').toUpperCase()}` : size;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

/** Typed, validated configuration. Built once at boot from the environment. */
export class AppConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly version: string;
  readonly http: { port: number; host: string; publicBaseUrl?: string; trustedProxies: string[] };
  readonly database: { url?: string; embeddedDir: string; poolSize: number };
  /** `TENANT_RLS`: PostgreSQL row-level security on the tenant tables, as a backstop (docs/adr/0009). */
  readonly rowLevelSecurity: boolean;
  readonly redis: {
    url?: string;
    tls: boolean;
    sentinels: { host: string; port: number }[];
    sentinelName?: string;
    queuePrefix: string;
    /** Bull job lock; a job whose worker stops renewing it is taken over after this long. */
    lockDurationMs: number;
  };
  readonly auth: {
    jwtSecret: string;
    jwtIssuer: string;
    jwtAudience: string;
    basicEnabled: boolean;
    /**
     * `IDENTITY_CACHE_MS`: how long the access-token check keeps a user's identity row in process
     * (0 = off; default 1000, off under `NODE_ENV=test`). Used on PostgreSQL only, while the change
     * listener is up (docs/performance.md#identity-cache).
     */
    identityCacheMs: number;
  };
  readonly encryptionKey: Buffer;
  readonly corsOrigins: string[];
  readonly throttle: { enabled: boolean; rates: Record<ThrottlerName, ThrottleRate> };
  readonly unifiedErrors: boolean;
  readonly log: { level: string; dir: string; rotateSize: string; rotateFiles: number };
  readonly mediaDir: string;
  /** The plugin release zips and their manifests (`npm run plugin:zip`). */
  readonly pluginReleasesDir: string;
  readonly frontendUrl: string;
  /** The seller block of invoice PDFs, one entry per line (INVOICE_SELLER, `|`-separated). */
  readonly invoiceSeller: string[];
  readonly mailTransport: string;
  readonly ai: {
    /** `AI_PROVIDER=offline`: the offline provider answers for every model. */
    forceOffline: boolean;
    openaiApiKey?: string;
    openaiBaseUrl?: string;
    requestTimeoutMs: number;
    /** Waits before each retry of a provider call (429, 5xx, timeouts). */
    retryDelaysMs: number[];
    softTimeLimitMs: number;
    hardTimeLimitMs: number;
  };
  readonly systemAdmin?: { email: string; password: string };
  readonly payments: {
    stripeSecretKey?: string;
    stripeWebhookSecret?: string;
    paypalClientId?: string;
    paypalClientSecret?: string;
    paypalWebhookId?: string;
    /** Base URL of the Stripe API (a local stand-in in tests); unset → Stripe's own. */
    stripeApiBase?: string;
    /** Base URL of the PayPal REST API; unset → live, or the sandbox for a sandbox provider row. */
    paypalApiBase?: string;
  };
  readonly allowInsecureWordpressUrls: boolean;
  /**
   * Limits of one WordPress request: the whole request (media uploads get twice as long) and
   * establishing the connection (10 s, or the request limit when shorter).
   */
  readonly wordpress: { requestTimeoutMs: number; mediaTimeoutMs: number; connectTimeoutMs: number };

  /**
   * The configuration of this process: its environment, after checking the env files Node.js
   * loaded into it (`--env-file-if-exists=.env`) line by line.
   */
  static fromProcess(): AppConfig {
    let problems = envFileProblems(loadedEnvFiles(process.execArgv, process.cwd()));
    let config: AppConfig | undefined;
    try {
      config = new AppConfig(process.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = [...problems, ...error.problems];
    }
    if (!config || problems.length > 0) throw new ConfigError(problems);
    return config;
  }

  constructor(source: NodeJS.ProcessEnv = process.env) {
    const parsed = envSchema.safeParse(source);
    if (!parsed.success) {
      throw new ConfigError(
        parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
      );
    }
    const e = parsed.data;
    const flag = (value: string | undefined, fallback: boolean) =>
      value === undefined ? fallback : value === 'true' || value === '1';
    this.env = e.NODE_ENV;
    this.version = readVersion();
    this.http = {
      port: e.PORT,
      host: e.HOST,
      publicBaseUrl: e.PUBLIC_BASE_URL,
      trustedProxies: e.TRUSTED_PROXIES,
    };
    this.database = { url: e.DATABASE_URL, embeddedDir: e.EMBEDDED_DB_DIR, poolSize: e.DATABASE_POOL_SIZE };
    this.rowLevelSecurity = e.TENANT_RLS;
    this.redis = {
      url: e.REDIS_URL,
      tls: e.REDIS_TLS,
      sentinels: e.REDIS_SENTINELS.map((s) => {
        const [host, port] = s.split(':');
        return { host, port: Number(port) };
      }),
      sentinelName: e.REDIS_SENTINEL_NAME,
      queuePrefix: e.QUEUE_PREFIX,
      lockDurationMs: e.QUEUE_LOCK_DURATION_MS,
    };
    this.auth = {
      jwtSecret: e.JWT_SECRET,
      jwtIssuer: e.JWT_ISSUER,
      jwtAudience: e.JWT_AUDIENCE,
      basicEnabled: flag(e.AUTH_BASIC_ENABLED, e.NODE_ENV !== 'production'),
      identityCacheMs: e.IDENTITY_CACHE_MS ?? (e.NODE_ENV === 'test' ? 0 : DEFAULT_IDENTITY_CACHE_MS),
    };
    this.encryptionKey = Buffer.from(e.ENCRYPTION_KEY, 'base64');
    this.corsOrigins = e.CORS_ORIGINS;
    this.throttle = {
      enabled: e.THROTTLE_ENABLED,
      rates: Object.fromEntries(
        THROTTLER_NAMES.map((name) => [
          name,
          parseRate(e[`THROTTLE_${name.toUpperCase()}` as keyof typeof e] as string),
        ]),
      ) as Record<ThrottlerName, ThrottleRate>,
    };
    this.unifiedErrors = e.UNIFIED_ERRORS;
    this.log = {
      level: e.LOG_LEVEL,
      dir: e.LOG_DIR,
      rotateSize: parseSize(e.LOG_ROTATE_SIZE),
      rotateFiles: e.LOG_ROTATE_FILES,
    };
    this.mediaDir = e.MEDIA_DIR;
    this.pluginReleasesDir = e.PLUGIN_RELEASES_DIR;
    this.frontendUrl = e.FRONTEND_URL;
    this.invoiceSeller = e.INVOICE_SELLER.split('|')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    this.mailTransport = e.MAIL_TRANSPORT;
    this.ai = {
      forceOffline: e.AI_PROVIDER === 'offline',
      openaiApiKey: e.OPENAI_API_KEY,
      openaiBaseUrl: e.OPENAI_BASE_URL,
      requestTimeoutMs: e.AI_REQUEST_TIMEOUT_MS,
      retryDelaysMs: e.AI_RETRY_DELAYS_MS,
      softTimeLimitMs: e.AI_SOFT_TIME_LIMIT_MS,
      hardTimeLimitMs: e.AI_HARD_TIME_LIMIT_MS,
    };
    this.systemAdmin =
      e.SYSTEM_ADMIN_EMAIL && e.SYSTEM_ADMIN_PASSWORD
        ? { email: e.SYSTEM_ADMIN_EMAIL, password: e.SYSTEM_ADMIN_PASSWORD }
        : undefined;
    this.payments = {
      stripeSecretKey: e.STRIPE_SECRET_KEY,
      stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
      paypalClientId: e.PAYPAL_CLIENT_ID,
      paypalClientSecret: e.PAYPAL_CLIENT_SECRET,
      paypalWebhookId: e.PAYPAL_WEBHOOK_ID,
      stripeApiBase: e.STRIPE_API_BASE?.replace(/\/+$/, ''),
      paypalApiBase: e.PAYPAL_API_BASE?.replace(/\/+$/, ''),
    };
    this.allowInsecureWordpressUrls = flag(e.ALLOW_INSECURE_WORDPRESS_URLS, e.NODE_ENV === 'test');
    this.wordpress = {
      requestTimeoutMs: e.WORDPRESS_REQUEST_TIMEOUT_MS,
      mediaTimeoutMs: e.WORDPRESS_REQUEST_TIMEOUT_MS * 2,
      connectTimeoutMs: Math.min(10_000, e.WORDPRESS_REQUEST_TIMEOUT_MS),
    };
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }

  get isDevelopment(): boolean {
    return this.env === 'development';
  }
}
