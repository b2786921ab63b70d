import type { DataSource } from 'typeorm';
import { StartupError } from '../config/startup-error.js';
import { MIGRATION_GLOB } from './data-source-options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

export interface MigrationState {
  /** The migrations of this code, oldest first. */
  known: string[];
  /** Known, not yet applied to the database. */
  pending: string[];
  /** Applied to the database, unknown to this code (a newer version wrote them). */
  unknown: string[];
}

/** The name of a database in messages (never its password). */
export function describeDatabase(url: string): string {
  const embedded = EmbeddedPostgres.servingAt(url);
  if (embedded) return `The embedded database in ${embedded.dir}`;
  const { hostname, port, pathname } = new URL(url);
  return `The database ${pathname.slice(1)} on ${hostname}:${port || 5432} (DATABASE_URL)`;
}

export async function readMigrationState(dataSource: DataSource): Promise<MigrationState> {
  const known = dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name);
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const [{ present }] = await dataSource.query<{ present: boolean }[]>(
    'SELECT to_regclass($1) IS NOT NULL AS present',
    [table],
  );
  const rows = present ? await dataSource.query<{ name: string }[]>(`SELECT name FROM "${table}"`) : [];
  const applied = rows.map((row) => row.name);
  const appliedSet = new Set(applied);
  const knownSet = new Set(known);
  return {
    known,
    pending: known.filter((name) => !appliedSet.has(name)),
    unknown: applied.filter((name) => !knownSet.has(name)),
  };
}

/**
 * Puts the database in step with this code's migrations before the app uses it, or refuses to
 * start: when the build has no migrations, when the database holds migrations this code does not
 * know (a newer version wrote it), and — unless `apply` — when migrations are pending. With
 * `apply` (the embedded default, `npm run migration:run`) the pending migrations run, each in its
 * own transaction; returns the names of those applied.
 */
export async function settleMigrations(dataSource: DataSource, apply: boolean): Promise<string[]> {
  const state = await readMigrationState(dataSource);
  const database = describeDatabase(String((dataSource.options as { url?: string }).url));
  if (state.known.length === 0) {
    throw new StartupError(
      `No migrations found (${MIGRATION_GLOB}): the build is incomplete. Run \`npm run build\` ` +
        '(`npm start` builds by itself).',
    );
  }
  if (state.unknown.length > 0) {
    throw new StartupError(
      `${database} has migrations this version does not know: ${state.unknown.join(', ')}. ` +
        'A newer version of igny8-api wrote it: run that version, or point the app at another database.',
    );
  }
  if (state.pending.length === 0) return [];
  if (!apply) {
    throw new StartupError(
      `${database} has ${state.pending.length} pending migration(s): ${state.pending.join(', ')}. ` +
        'Apply them with `npm run migration:run` (Docker Compose: the migrate service), then start again.',
    );
  }
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}
