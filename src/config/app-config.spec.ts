import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAIN_ENTRY, runToExit } from '../../test/support/process.js';
import { AppConfig, ConfigError } from './app-config.js';
import { DEV_ENCRYPTION_KEY, DEV_JWT_SECRET } from './config.schema.js';

const SECRET = 'a-production-secret-of-at-least-32-bytes!';
const KEY = randomBytes(32).toString('base64');
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db:5432/igny8',
  REDIS_URL: 'redis://redis:6379',
  JWT_SECRET: SECRET,
  ENCRYPTION_KEY: KEY,
};

/** The problems a configuration is refused for (fails the test when it is accepted). */
function problemsOf(env: Record<string, string>): string[] {
  try {
    new AppConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`Configuration ${JSON.stringify(env)} was accepted`);
}

describe('AppConfig defaults', () => {
  it('starts with no environment at all (development, embedded database, no Redis)', () => {
    const config = new AppConfig({});
    expect(config.env).toBe('development');
    expect(config.http).toEqual({
      port: 3000,
      host: '0.0.0.0',
      publicBaseUrl: undefined,
      trustedProxies: [],
    });
    expect(config.database).toMatchObject({ url: undefined, embeddedDir: './.data/pglite' });
    expect(config.redis.url).toBeUndefined();
    expect(config.auth).toMatchObject({
      jwtSecret: DEV_JWT_SECRET,
      jwtIssuer: 'igny8-api',
      basicEnabled: true,
    });
    expect(config.encryptionKey).toHaveLength(32);
    expect(config.corsOrigins).toEqual([]);
    expect(config.unifiedErrors).toBe(true);
    expect(config.throttle.enabled).toBe(true);
    expect(config.throttle.rates.auth_strict).toEqual({ limit: 5, windowMs: 60_000 });
    expect(config.log).toEqual({ level: 'info', dir: './logs', rotateSize: '10M', rotateFiles: 14 });
    expect(config.mailTransport).toBe('outbox');
    expect(config.ai).toEqual({
      forceOffline: false,
      openaiApiKey: undefined,
      openaiBaseUrl: undefined,
      requestTimeoutMs: 120_000,
      retryDelaysMs: [2000, 8000],
      softTimeLimitMs: 600_000,
      hardTimeLimitMs: 660_000,
    });
    expect(config.redis.lockDurationMs).toBe(30_000);
    expect(config.systemAdmin).toBeUndefined();
    expect(config.allowInsecureWordpressUrls).toBe(false);
    expect(config.isDevelopment).toBe(true);
  });

  it('allows insecure WordPress URLs by default only in tests', () => {
    expect(new AppConfig({ NODE_ENV: 'test' }).allowInsecureWordpressUrls).toBe(true);
    expect(
      new AppConfig({ NODE_ENV: 'test', ALLOW_INSECURE_WORDPRESS_URLS: 'false' }).allowInsecureWordpressUrls,
    ).toBe(false);
  });
});

describe('AppConfig from .env-style strings', () => {
  it('converts strings to numbers, booleans, lists and rates', () => {
    const config = new AppConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      UNIFIED_ERRORS: 'false',
      THROTTLE_ENABLED: '0',
      AUTH_BASIC_ENABLED: '1',
      REDIS_TLS: 'true',
      LOG_ROTATE_FILES: '3',
      LOG_ROTATE_SIZE: '512KB',
      CORS_ORIGINS: ' https://app.example.com/ , http://localhost:5173 ',
      TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1',
      REDIS_URL: 'redis://:p%40ss@cache:6380/2',
      REDIS_SENTINELS: 'sentinel-a:26379,sentinel-b:26380',
      THROTTLE_AUTH: '7/hour',
      PUBLIC_BASE_URL: 'https://api.example.com/',
      OPENAI_API_KEY: 'sk-test',
      SYSTEM_ADMIN_EMAIL: 'dev@example.com',
      SYSTEM_ADMIN_PASSWORD: 'long-enough',
    });
    expect(config.http).toEqual({
      port: 8080,
      host: '127.0.0.1',
      publicBaseUrl: 'https://api.example.com',
      trustedProxies: ['10.0.0.0/8', '192.168.1.1'],
    });
    expect(config.unifiedErrors).toBe(false);
    expect(config.throttle.enabled).toBe(false);
    expect(config.throttle.rates.auth).toEqual({ limit: 7, windowMs: 3_600_000 });
    expect(config.auth.basicEnabled).toBe(true);
    expect(config.redis).toMatchObject({
      url: 'redis://:p%40ss@cache:6380/2',
      tls: true,
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
      ],
    });
    expect(config.log).toMatchObject({ rotateFiles: 3, rotateSize: '512K' });
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(config.ai.forceOffline).toBe(false);
    expect(config.systemAdmin).toEqual({ email: 'dev@example.com', password: 'long-enough' });
  });

  it('treats empty values (`DATABASE_URL=`) as unset', () => {
    const config = new AppConfig({ DATABASE_URL: '', REDIS_URL: '  ', CORS_ORIGINS: '', OPENAI_API_KEY: '' });
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
    expect(config.corsOrigins).toEqual([]);
    expect(config.ai.openaiApiKey).toBeUndefined();
  });
});

describe('AppConfig refuses bad values, naming the variable', () => {
  it.each([
    ['NODE_ENV', 'staging'],
    ['PORT', 'abc'],
    ['PORT', '0'],
    ['PORT', '70000'],
    ['PORT', ''],
    ['PORT', '-1'],
    ['DATABASE_URL', 'mysql://db/igny8'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://redis:6379'],
    ['REDIS_TLS', 'yes'],
    ['REDIS_SENTINELS', 'sentinel-without-port'],
    ['QUEUE_PREFIX', 'has spaces'],
    ['JWT_SECRET', 'too-short'],
    ['ENCRYPTION_KEY', Buffer.alloc(16).toString('base64')],
    ['AUTH_BASIC_ENABLED', 'maybe'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['THROTTLE_ENABLED', 'on'],
    ['THROTTLE_AUTH', '5 per minute'],
    ['THROTTLE_DEFAULT', '100/fortnight'],
    ['UNIFIED_ERRORS', 'no'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_ROTATE_SIZE', 'big'],
    ['LOG_ROTATE_FILES', 'many'],
    ['LOG_ROTATE_FILES', '0'],
    ['PUBLIC_BASE_URL', 'ftp://files.example.com'],
    ['TRUSTED_PROXIES', 'proxy.example.com'],
    ['FRONTEND_URL', 'example.com'],
    ['MAIL_TRANSPORT', 'pigeon'],
    ['AI_PROVIDER', 'anthropic'],
    ['OPENAI_BASE_URL', 'nope'],
    ['AI_REQUEST_TIMEOUT_MS', 'soon'],
    ['AI_RETRY_DELAYS_MS', '2s,8s'],
    ['AI_SOFT_TIME_LIMIT_MS', '0'],
    ['AI_HARD_TIME_LIMIT_MS', '1000'],
    ['QUEUE_LOCK_DURATION_MS', '-1'],
    ['SYSTEM_ADMIN_EMAIL', 'not-an-email'],
    ['SYSTEM_ADMIN_PASSWORD', 'short'],
    ['ALLOW_INSECURE_WORDPRESS_URLS', 'sure'],
  ])('%s=%j', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: \\S`));
  });

  it('reports every bad variable at once, in the error message too', () => {
    let error: unknown;
    try {
      new AppConfig({ PORT: 'abc', LOG_LEVEL: 'loud', JWT_SECRET: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['JWT_SECRET', 'LOG_LEVEL', 'PORT']);
    expect(message).toContain('PORT: must be a positive integer');
    expect(message).toContain('JWT_SECRET: must be at least 32 bytes');
  });
});

describe('AppConfig in production', () => {
  it('refuses the default secrets and a missing DATABASE_URL / REDIS_URL', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'ENCRYPTION_KEY',
      'JWT_SECRET',
      'REDIS_URL',
    ]);
    expect(problems).toContain('JWT_SECRET: the development default is refused in production');
    expect(problems).toContain('DATABASE_URL: is required in production');
  });

  it('refuses the development defaults even when set explicitly', () => {
    const problems = problemsOf({
      ...PRODUCTION,
      JWT_SECRET: DEV_JWT_SECRET,
      ENCRYPTION_KEY: DEV_ENCRYPTION_KEY,
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['ENCRYPTION_KEY', 'JWT_SECRET']);
  });

  it.each(['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'ENCRYPTION_KEY'])('names a missing %s', (name) => {
    const env: Record<string, string> = { ...PRODUCTION };
    delete env[name];
    expect(problemsOf(env)).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
  });

  it('starts with real secrets and both URLs; HTTP Basic is then off by default', () => {
    const config = new AppConfig(PRODUCTION);
    expect(config.isProduction).toBe(true);
    expect(config.auth.basicEnabled).toBe(false);
    expect(config.encryptionKey.equals(Buffer.from(KEY, 'base64'))).toBe(true);
    expect(new AppConfig({ ...PRODUCTION, AUTH_BASIC_ENABLED: 'true' }).auth.basicEnabled).toBe(true);
  });
});

describe('entry-point.loadConfigOrExit (the built app)', { timeout: 90_000 }, () => {
  it('exits non-zero naming a bad PORT before touching any database', async () => {
    const result = await runToExit(MAIN_ENTRY, {
      NODE_ENV: 'test',
      PORT: 'not-a-port',
      LOG_DIR: '/nonexistent',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('PORT: must be a positive integer');
  });

  it('exits non-zero in production without secrets and URLs, naming each', async () => {
    const result = await runToExit(MAIN_ENTRY, { NODE_ENV: 'production' });
    expect(result.code).toBe(1);
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'ENCRYPTION_KEY']) {
      expect(result.stderr).toContain(`${name}:`);
    }
  });
});
