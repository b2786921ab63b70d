// Start-up as a newcomer runs it: the command of `npm start` (package.json) on a fresh embedded data
// directory, and the start-ups that must be refused (corrupt .env, a database out of step with the
// code, a data directory already in use). Each process runs in its own folder holding a `dist`
// symlink to the build, so `.env` and the default ./.data and ./logs are that folder's.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StartupError } from '../../src/config/startup-error.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { ENTITIES } from '../../src/entities.js';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { settleMigrations } from '../../src/database/migrations.js';
import { freePort, ROOT, SPAWN_TIMEOUT_MS } from '../support/process.js';

const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const FUTURE_MIGRATION = 'FromANewerVersion1999999999999';

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `command` through the shell in `cwd`, with only PATH (Node 24 first) and `env` set. */
function run(command: string, cwd: string, env: Record<string, string> = {}): Run {
  const child = spawn('sh', ['-c', command], {
    cwd,
    env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function runToExit(command: string, cwd: string, env: Record<string, string> = {}) {
  const started = run(command, cwd, env);
  const code = await started.exited;
  return { code, output: started.output() };
}

/** A folder to start the app in: `dist` links to the build, plus an optional `.env`. */
function appFolder(envFile?: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'igny8-startup-'));
  symlinkSync(join(ROOT, 'dist'), join(folder, 'dist'));
  if (envFile !== undefined) writeFileSync(join(folder, '.env'), envFile);
  return folder;
}

/** What `npm start` runs once the build is done: the last command of the script. */
function launchCommand(): string {
  const steps = scripts.start.split(' && ');
  expect(steps[0]).toMatch(/^npm run build\b/);
  return steps.at(-1) as string;
}

async function waitUntilAnswering(started: Run, base: string): Promise<void> {
  const deadline = Date.now() + 2 * SPAWN_TIMEOUT_MS - 10_000;
  let exit: number | null | undefined;
  void started.exited.then((code) => (exit = code));
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`The app exited (${exit}) during start-up:\n${started.output()}`);
    if (
      await fetch(`${base}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(200);
  }
  throw new Error(`No answer in time:\n${started.output()}`);
}

describe('npm start on a fresh clone (embedded default)', { timeout: 2 * SPAWN_TIMEOUT_MS }, () => {
  let folder: string;
  let dataDir: string;

  beforeAll(() => {
    folder = appFolder();
    dataDir = join(folder, '.data', 'pglite');
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('builds first, then starts the built app with the .env read when present', () => {
    expect(launchCommand()).toMatch(/\bnode --env-file-if-exists=\.env dist\/main\.js$/);
    expect(scripts.build).toContain('-d dist/migrations');
  });

  it('starts from the migrated data directory of the build: register answers 201; a second process on the same directory is refused; SIGTERM exits 0', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const app = run(launchCommand(), folder, { PORT: String(port) });
    try {
      await waitUntilAnswering(app, base);
      // The log line may reach the pipe just after the first answer.
      await vi.waitFor(() => expect(app.output()).toMatch(/Embedded PostgreSQL started .*"origin":"template"/));
      const response = await fetch(`${base}/api/v1/auth/register/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'new@example.com',
          password: 'a-long-passphrase',
          account_name: 'New',
        }),
      });
      expect(response.status, await response.clone().text()).toBe(201);

      const second = await runToExit(launchCommand(), folder, { PORT: String(await freePort()) });
      expect(second.code).toBe(1);
      expect(second.output).toContain(`The embedded database in ${dataDir} is in use by process`);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited, app.output()).toBe(0);
  });

  it('npm run migration:run finds nothing pending on that directory', async () => {
    const migrate = scripts['migration:run'].split(' && ').at(-1) as string;
    expect(migrate).toBe('node --env-file-if-exists=.env dist/database/migrate.js');
    const result = await runToExit(migrate, folder);
    expect(result.output).toContain(`The embedded database in ${dataDir}: no pending migration.`);
    expect(result.code).toBe(0);
  });

  describe('a database out of step with the code', () => {
    let served: EmbeddedPostgres;
    let dataSource: DataSource;
    let lastMigration: string;

    beforeAll(async () => {
      served = await EmbeddedPostgres.start(dataDir);
      dataSource = await new DataSource(
        dataSourceOptions({ url: served.url, entities: ENTITIES, poolSize: 1 }),
      ).initialize();
      lastMigration = dataSource.migrations.at(-1)?.name as string;
    });
    afterAll(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      if (served && EmbeddedPostgres.servingAt(served.url)) await served.stop();
    });

    it('PostgreSQL (DATABASE_URL) with a pending migration: exit 1 naming it', async () => {
      const [row] = await dataSource.query<{ timestamp: string; name: string }[]>(
        'SELECT timestamp, name FROM igny8_migrations WHERE name = $1',
        [lastMigration],
      );
      await dataSource.query('DELETE FROM igny8_migrations WHERE name = $1', [lastMigration]);
      try {
        const result = await runToExit(launchCommand(), folder, {
          DATABASE_URL: served.url,
          PORT: String(await freePort()),
        });
        expect(result.code).toBe(1);
        expect(result.output).toContain('has 1 pending migration(s): ' + lastMigration);
        expect(result.output).toContain('npm run migration:run');
      } finally {
        await dataSource.query('INSERT INTO igny8_migrations (timestamp, name) VALUES ($1, $2)', [
          row.timestamp,
          row.name,
        ]);
      }
    });

    it('a build without migrations is refused', async () => {
      const bare = await new DataSource({
        ...dataSourceOptions({ url: served.url, entities: ENTITIES, poolSize: 1 }),
        migrations: [],
      }).initialize();
      try {
        await expect(settleMigrations(bare, true)).rejects.toThrow(StartupError);
        await expect(settleMigrations(bare, true)).rejects.toThrow(/No migrations found .*npm run build/);
      } finally {
        await bare.destroy();
      }
    });

    it('a data directory written by a newer schema: npm start and migration:run exit 1 naming the migration', async () => {
      await dataSource.query('INSERT INTO igny8_migrations (timestamp, name) VALUES ($1, $2)', [
        1999999999999,
        FUTURE_MIGRATION,
      ]);
      await dataSource.destroy();
      await served.stop();

      const result = await runToExit(launchCommand(), folder, { PORT: String(await freePort()) });
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        `The embedded database in ${dataDir} has migrations this version does not know: ${FUTURE_MIGRATION}`,
      );
      const migrate = await runToExit('node dist/database/migrate.js', folder);
      expect(migrate.code).toBe(1);
      expect(migrate.output).toContain(`does not know: ${FUTURE_MIGRATION}`);
    });
  });
});

describe('a corrupt .env refuses the start, naming the variable', { timeout: 60_000 }, () => {
  it.each([
    ['JWT_SECRET="an-unclosed-quote-of-more-than-32-bytes', 'JWT_SECRET: .env line 2: the value opens a "'],
    ['THROTTLE_AUTH 5/min', 'THROTTLE_AUTH: .env line 2: not of the form NAME=value'],
    ['LOG-LEVEL=debug', 'LOG-LEVEL: .env line 2: not a valid variable name'],
    ["CORS_ORIGINS='http://localhost:5173' trailing", 'CORS_ORIGINS: .env line 2: unexpected text after'],
    ['PORT=eighty', 'PORT: must be a positive integer'],
  ])('%s', async (line, message) => {
    const folder = appFolder(`# comment\n${line}\nLOG_LEVEL=info\n`);
    try {
      const result = await runToExit(launchCommand(), folder);
      expect(result.code).toBe(1);
      expect(result.output).toContain('Invalid configuration');
      expect(result.output).toContain(message);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('accepts comments, export, quotes and inline comments', async () => {
    const folder = appFolder(
      '# a comment\n\nexport LOG_LEVEL=info\nFRONTEND_URL="http://localhost:5173" # the dashboard\n' +
        "JWT_ISSUER='igny8-api'\nPORT=not-a-port\n",
    );
    try {
      const result = await runToExit(launchCommand(), folder);
      expect(result.code).toBe(1);
      expect(result.output).toContain('Invalid configuration:\n  - PORT: must be a positive integer');
      expect(result.output).not.toContain('.env line');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
