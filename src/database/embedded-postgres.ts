import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { StartupError } from '../config/startup-error.js';
import { extractTar } from './tar.js';

/**
 * PGlite runs one backend in the process, so the memory PostgreSQL reserves for a server of 100
 * connections and 128 MB of shared buffers is mostly waste: these settings halve the idle memory.
 */
const START_PARAMS = ['-c', 'shared_buffers=32MB', '-c', 'max_connections=8'];

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A data directory is opened by one process at a time (two would corrupt it): a pid file beside
 * it (`<dir>.pid`) marks it as taken. Returns its release.
 */
function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir}.pid`;
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(readFileSync(file, 'utf8'));
    if (owner !== process.pid && owner > 0 && isRunning(owner)) {
      throw new StartupError(
        `The embedded database in ${dataDir} is in use by process ${owner} (\`npm start\`?). ` +
          'It serves one process at a time: stop that one first, or use PostgreSQL (DATABASE_URL).',
      );
    }
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}

/**
 * Writes a data directory archive into the (empty) `dataDir`: into a sibling first, renamed into
 * place once complete, so that an interrupted first start never leaves half a database behind.
 */
function unpack(archive: Uint8Array, dataDir: string): void {
  const partial = `${dataDir}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  extractTar(archive, partial);
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(partial, dataDir);
}

/**
 * How a started embedded database got its data: it was there already, it was loaded from a
 * migrated data directory (see embedded-template.ts), or initdb made a new one.
 */
export type EmbeddedOrigin = 'existing' | 'template' | 'initdb';

/**
 * The embedded default database: an in-process PostgreSQL (PGlite) served on a loopback port,
 * so the same `pg` driver, SQL and migrations run as against a real server.
 */
export class EmbeddedPostgres {
  private static readonly running = new Map<string, EmbeddedPostgres>();

  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
    readonly dir: string,
    readonly origin: EmbeddedOrigin,
    private readonly unlock: () => void,
  ) {}

  /** The running embedded database served at `url`, if any. */
  static servingAt(url: string): EmbeddedPostgres | undefined {
    return EmbeddedPostgres.running.get(url);
  }

  /**
   * `dir` is a data directory, or `memory://` for a throwaway database. A `dir` that holds no
   * database yet is loaded from the tarball `template` gives (one of `dump()`), when it gives one;
   * otherwise initdb makes it.
   */
  static async start(
    dir: string,
    template?: () => Promise<Uint8Array | undefined>,
  ): Promise<EmbeddedPostgres> {
    const inMemory = dir.startsWith('memory://');
    const dataDir = inMemory ? dir : resolve(dir);
    if (!inMemory) mkdirSync(dataDir, { recursive: true });
    const unlock = inMemory ? () => undefined : lockDataDir(dataDir);
    let embedded: EmbeddedPostgres;
    try {
      const existing = !inMemory && existsSync(join(dataDir, 'PG_VERSION'));
      const from = existing ? undefined : await template?.();
      if (from && !inMemory) unpack(from, dataDir);
      // Loaded here, not with this module: a server on PostgreSQL never needs them.
      const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
        import('@electric-sql/pglite'),
        import('@electric-sql/pglite-socket'),
      ]);
      const db = await PGlite.create({
        dataDir,
        loadDataDir: inMemory && from ? new Blob([from]) : undefined,
        startParams: [...PGlite.defaultStartParams, ...START_PARAMS],
      });
      const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 4 });
      await server.start();
      const url = `postgres://postgres@${server.getServerConn()}/postgres`;
      const origin = existing ? 'existing' : from ? 'template' : 'initdb';
      embedded = new EmbeddedPostgres(db, server, url, dataDir, origin, unlock);
    } catch (error) {
      unlock();
      throw error;
    }
    EmbeddedPostgres.running.set(embedded.url, embedded);
    return embedded;
  }

  /** The whole data directory as an uncompressed tar archive (a `template` of `start`). */
  async dump(): Promise<Uint8Array> {
    return new Uint8Array(await (await this.db.dumpDataDir('none')).arrayBuffer());
  }

  async stop(): Promise<void> {
    EmbeddedPostgres.running.delete(this.url);
    await this.server.stop();
    await this.db.close();
    this.unlock();
  }
}
