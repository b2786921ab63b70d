import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded default database: an in-process PostgreSQL (PGlite) served on a loopback port,
 * so the same `pg` driver, SQL and migrations run as against a real server.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
  ) {}

  /**
   * `dir` is a data directory, or `memory://` for a throwaway database; `from` is a tarball of
   * `dump()` to start an empty `dir` from.
   */
  static async start(dir: string, from?: Blob): Promise<EmbeddedPostgres> {
    const dataDir = dir.startsWith('memory://') ? dir : resolve(dir);
    if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create({ dataDir, loadDataDir: from });
    const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 4 });
    await server.start();
    return new EmbeddedPostgres(db, server, `postgres://postgres@${server.getServerConn()}/postgres`);
  }

  /** The whole data directory as an uncompressed tarball (for `start(dir, from)`). */
  dump(): Promise<Blob> {
    return this.db.dumpDataDir('none');
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}
