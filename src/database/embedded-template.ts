// A new embedded database would run initdb and then every migration, most of a first boot's time.
// Instead it starts from a migrated data directory made once for exactly these migrations:
// `npm run build` puts one beside the built code (dist/database/), the test runs keep theirs in
// the cache folder. The file name holds the key of the migrations it was made with, so a build
// whose migrations changed finds none and falls back to initdb and the migrations; and the
// migrations are settled after the start as always, so a template can never skip one.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATION_GLOB } from './data-source-options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { settleMigrations } from './migrations.js';

const PREFIX = 'embedded-template-';
/** Where the templates of the build and the tests are kept between runs (the newest few). */
export const TEMPLATE_CACHE_DIR = join(
  import.meta.dirname,
  '..',
  '..',
  'node_modules',
  '.cache',
  'igny8-api',
);
const CACHED_TEMPLATES_KEPT = 4;

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = join(dirname(entry), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Changes whenever what a template holds besides the migrations changes (the databases it keeps). */
const TEMPLATE_LAYOUT = 'postgres-only';

/** Names the migrated data directory of these migration files (names and content) and this PGlite. */
export function templateKey(): string {
  const dir = dirname(MIGRATION_GLOB);
  const extension = extname(MIGRATION_GLOB);
  const hash = createHash('sha256').update(TEMPLATE_LAYOUT).update('\0').update(pgliteVersion());
  for (const name of readdirSync(dir)
    .filter((file) => file.endsWith(extension))
    .sort()) {
    hash.update(`\0${name}\0`).update(readFileSync(join(dir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Uncompressed: unzipping would take a first start longer than reading the larger file does. */
export function templateFileName(key = templateKey()): string {
  return `${PREFIX}${key}.tar`;
}

/** A template file as `EmbeddedPostgres.start` takes it. */
export function readTemplate(file: string): Promise<Uint8Array> {
  return readFile(file);
}

/** The template of these migrations in `dir` (the build's: beside this code), if there is one. */
export async function shippedTemplate(dir = import.meta.dirname): Promise<Uint8Array | undefined> {
  const file = join(dir, templateFileName());
  return existsSync(file) ? readTemplate(file) : undefined;
}

/**
 * A throwaway embedded database made by initdb with every migration applied, as a template. It keeps
 * only the `postgres` database: the app never creates a database, so initdb's `template0` and
 * `template1` would only be a third of the files every first boot and every test file writes.
 */
export async function migratedDataDir(): Promise<Uint8Array> {
  const embedded = await EmbeddedPostgres.start('memory://');
  try {
    const dataSource = await new DataSource(
      dataSourceOptions({ url: embedded.url, entities: [], poolSize: 1 }),
    ).initialize();
    try {
      await settleMigrations(dataSource, true);
      await dataSource.query(
        "UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')",
      );
      await dataSource.query('DROP DATABASE template0');
      await dataSource.query('DROP DATABASE template1');
      await dataSource.query('CHECKPOINT');
    } finally {
      await dataSource.destroy();
    }
    return await embedded.dump();
  } finally {
    await embedded.stop();
  }
}

/**
 * The path of the template of these migrations in the cache folder, made first when missing
 * (written aside and renamed, so that concurrent runs never read half a file).
 */
export async function cachedTemplate(cacheDir = TEMPLATE_CACHE_DIR): Promise<string> {
  const file = join(cacheDir, templateFileName());
  if (existsSync(file)) return file;
  const data = await migratedDataDir();
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, file);
  pruneCache(cacheDir);
  return file;
}

function pruneCache(cacheDir: string): void {
  const templates = readdirSync(cacheDir)
    .filter((name) => name.startsWith(PREFIX) && !name.endsWith('.partial'))
    .map((name) => join(cacheDir, name))
    // A concurrent run may have removed one meanwhile.
    .map((path) => ({ path, modified: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.modified - a.modified);
  for (const { path } of templates.slice(CACHED_TEMPLATES_KEPT)) rmSync(path, { force: true });
}
