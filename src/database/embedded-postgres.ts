import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { StartupError } from '../config/startup-error.js';

/**
 * PGlite runs one backend in the process, so the memory PostgreSQL reserves for a server of 100
 * connections and 128 MB of shared buffers is mostly waste: these settings halve the idle memory.
 */
const START_PARAMS = [
  ...PGlite.defaultStartParams,
  ...['-c', 'shared_buffers=32MB', '-c', 'max_connections=8'],
];

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
    private readonly unlock: () => void,
  ) {}

  /** The running embedded database served at `url`, if any. */
  static servingAt(url: string): EmbeddedPostgres | undefined {
    return EmbeddedPostgres.running.get(url);
  }

  /**
   * `dir` is a data directory, or `memory://` for a throwaway database; `from` is a tarball of
   * `dump()` to start an empty `dir` from.
   */
  static async start(dir: string, from?: Blob): Promise<EmbeddedPostgres> {
    const inMemory = dir.startsWith('memory://');
    const dataDir = inMemory ? dir : resolve(dir);
    if (!inMemory) mkdirSync(dataDir, { recursive: true });
    const unlock = inMemory ? () => undefined : lockDataDir(dataDir);
    let embedded: EmbeddedPostgres;
    try {
      const db = await PGlite.create({ dataDir, loadDataDir: from, startParams: START_PARAMS });
      const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 4 });
      await server.start();
      const url = `postgres://postgres@${server.getServerConn()}/postgres`;
      embedded = new EmbeddedPostgres(db, server, url, dataDir, unlock);
    } catch (error) {
      unlock();
      throw error;
    }
    EmbeddedPostgres.running.set(embedded.url, embedded);
    return embedded;
  }

  /** The whole data directory as an uncompressed tarball (for `start(dir, from)`). */
  dump(): Promise<Blob> {
    return this.db.dumpDataDir('none');
  }

  async stop(): Promise<void> {
    EmbeddedPostgres.running.delete(this.url);
    await this.server.stop();
    await this.db.close();
    this.unlock();
  }
}
