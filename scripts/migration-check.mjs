// Migration drift check: fails when the entities describe a schema the migrations do not create.
//
// 1. creates a scratch database on the server of DATABASE_URL (or TEST_DATABASE_URL);
//    with neither set, a throwaway embedded PostgreSQL is used instead;
// 2. runs every migration with the TypeORM CLI (built data source, dist/data-source.js);
// 3. runs `typeorm migration:generate --check`: any SQL it would generate is drift → exit 1;
// 4. reverts every migration (each `down()` must work and leave no table behind), then runs them again;
// 5. drops the scratch database.
//
//   node scripts/migration-check.mjs [--no-build]
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataSourceFile = join(root, 'dist', 'data-source.js');
const typeormCli = join(root, 'node_modules', 'typeorm', 'cli.js');

class CheckFailed extends Error {}

function fail(message) {
  throw new CheckFailed(message);
}

if (!process.argv.includes('--no-build')) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('migration-check: the build failed.');
    process.exit(1);
  }
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onServer(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs the TypeORM CLI against `url` (asynchronously: an embedded server in this process must keep answering). */
function typeorm(url, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [typeormCli, ...args, '-d', dataSourceFile], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: output.trim() }));
  });
}

/** A scratch database: on the configured server, or an embedded one. */
async function scratchDatabase() {
  const serverUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `igny8_migration_check_${process.pid}_${randomBytes(3).toString('hex')}`;
    await onServer(serverUrl, `CREATE DATABASE ${name}`);
    return {
      url: withDatabase(serverUrl, name),
      label: `scratch database ${name} on ${new URL(serverUrl).host}`,
      drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }
  const { EmbeddedPostgres } = await import(
    pathToFileURL(join(root, 'dist/database/embedded-postgres.js')).href
  );
  const embedded = await EmbeddedPostgres.start('memory://');
  return {
    url: embedded.url,
    label: 'a throwaway embedded PostgreSQL (set DATABASE_URL or TEST_DATABASE_URL to use a server)',
    drop: () => embedded.stop(),
  };
}

async function revertAll(url) {
  const { DataSource } = await import('typeorm');
  const { dataSourceOptions } = await import(
    pathToFileURL(join(root, 'dist/database/data-source-options.js')).href
  );
  const { ENTITIES } = await import(pathToFileURL(join(root, 'dist/entities.js')).href);
  const dataSource = new DataSource(dataSourceOptions({ url, entities: ENTITIES, poolSize: 1 }));
  await dataSource.initialize();
  try {
    const table = dataSource.options.migrationsTableName;
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM "${table}"`);
    for (let i = 0; i < count; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    const left = await dataSource.query(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_name <> $1 ORDER BY table_name`,
      [table],
    );
    if (left.length > 0)
      fail(
        `Reverting every migration left tables behind: ${left.map((r) => r.table_name).join(', ')}.\n` +
          'A migration down() does not undo its up().',
      );
    console.log(`migration-check: all ${count} migration(s) reverted cleanly`);
    const again = await dataSource.runMigrations({ transaction: 'each' });
    console.log(`migration-check: ${again.length} migration(s) applied again after the revert`);
  } finally {
    await dataSource.destroy();
  }
}

async function main() {
  const db = await scratchDatabase();
  console.log(`migration-check: using ${db.label}`);
  try {
    const run = await typeorm(db.url, ['migration:run']);
    if (run.code !== 0) fail(`Running the migrations failed:\n${run.output}`);
    const ran = (run.output.match(/^Migration \S+ has been executed successfully/gm) ?? []).length;
    console.log(`migration-check: ${ran} migration(s) applied`);

    const check = await typeorm(db.url, ['migration:generate', join(root, 'migrations', 'Drift'), '--check']);
    if (check.code !== 0)
      fail(
        'The entities and the migrations disagree: generating a migration would produce this file.\n' +
          'Add a migration (`npm run migration:generate -- migrations/<Name>` against a migrated database) ' +
          `or fix the entity.\n\n${check.output}`,
      );
    console.log('migration-check: generating a migration produces nothing (no drift)');

    await revertAll(db.url);
  } finally {
    await db.drop();
  }
}

try {
  await main();
  console.log('migration-check: OK');
} catch (error) {
  console.error(
    error instanceof CheckFailed ? `migration-check: FAILED\n${error.message}` : error.stack || error,
  );
  process.exit(1);
}
