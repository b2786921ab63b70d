import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './process.js';

/** The harness (docs/wordpress-test-harness.md): Debian's WordPress, PHP and MariaDB on loopback. */
const HARNESS = join(ROOT, 'scripts', 'wordpress', 'harness.mjs');
/** For the `beforeAll` that starts the site: a first run may apt-get the packages (about a minute and more). */
export const WORDPRESS_START_TIMEOUT_MS = 600_000;
/** For the `afterAll` that stops it. */
export const WORDPRESS_STOP_TIMEOUT_MS = 90_000;
const PROGRAMS = [
  '/usr/share/wordpress/wp-load.php',
  '/usr/bin/php',
  '/usr/sbin/mariadbd',
  '/usr/bin/mariadb-install-db',
];

/** What the harness prints once the site answers (scripts/wordpress/harness.mjs writes it as DIR/wordpress.json). */
export interface WordPressSite {
  /** The site's temporary directory: database files, wp-content, logs. */
  dir: string;
  baseUrl: string;
  restUrl: string;
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  adminEmail: string;
  userId: number;
  /** An Application Password of the admin (HTTP Basic with adminUser). */
  appPassword: string;
  version: string;
  contentDir: string;
  pluginsDir: string;
  uploadsDir: string;
  configFile: string;
  databaseSocket: string;
  pids: { mariadb: number; php: number };
}

export interface ActivatedPlugin {
  /** The plugin's file relative to wp-content/plugins, as WordPress names it. */
  plugin: string;
  name: string;
  version: string;
}

/** Why the harness cannot run on this machine, or undefined when it can. */
export function wordpressUnavailableReason(): string | undefined {
  if (process.platform !== 'linux')
    return `it needs Debian's packages on Linux, and this is ${process.platform}`;
  if (process.getuid?.() !== 0)
    return 'it needs root (it writes /etc/wordpress/config-<host>.php and may apt-get packages)';
  if (!PROGRAMS.every((file) => existsSync(file)) && !existsSync('/usr/bin/apt-get'))
    return 'WordPress, PHP or MariaDB is not installed, and there is no apt-get to install them';
  return undefined;
}

/** A site started by `harness.mjs run`; it stops with `stop()`, or by itself when this process goes away. */
export class RunningWordPress {
  constructor(
    readonly site: WordPressSite,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly exited: Promise<number | null>,
    private readonly output: () => string,
  ) {}

  /** HTTP Basic credentials of the admin's Application Password. */
  get authorization(): string {
    return `Basic ${Buffer.from(`${this.site.adminUser}:${this.site.appPassword}`).toString('base64')}`;
  }

  /** The URL of a REST route under /wp-json/ (`route` without the leading slash, e.g. `wp/v2/posts`). */
  rest(route: string): string {
    return `${this.site.restUrl}${route}`;
  }

  /** Copies the plugin folder into the site's wp-content/plugins and activates it. */
  installPlugin(pluginDir: string): Promise<ActivatedPlugin> {
    return new Promise((done, fail) =>
      execFile(
        process.execPath,
        [HARNESS, 'plugin', this.site.dir, pluginDir],
        { cwd: ROOT, timeout: 90_000, killSignal: 'SIGKILL' },
        (error, stdout, stderr) =>
          error
            ? fail(new Error(`Installing the plugin ${pluginDir} failed: ${error.message}\n${stderr}`))
            : done(JSON.parse(stdout) as ActivatedPlugin),
      ),
    );
  }

  /** Asks the harness to stop its processes and remove its files; fails when it has not done so in time. */
  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    const code = await Promise.race([
      this.exited,
      sleep(WORDPRESS_STOP_TIMEOUT_MS - 10_000).then(() => 'timeout' as const),
    ]);
    if (code === 'timeout') {
      this.child.kill('SIGKILL');
      throw new Error(`The WordPress harness did not stop in time:\n${this.output()}`);
    }
    if (code !== 0)
      throw new Error(`The WordPress harness stopped with exit code ${code}:\n${this.output()}`);
  }
}

/** Starts a fresh site (`harness.mjs run`), resolving once its REST API answers. */
export async function startWordPress(): Promise<RunningWordPress> {
  const child = spawn(process.execPath, [HARNESS, 'run'], { cwd: ROOT, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  const output = () => `${stderr}${stdout}`.trim();
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = new Promise<string>((done) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) done(stdout.slice(0, stdout.indexOf('\n')));
    }),
  );
  const outcome = await Promise.race([
    firstLine,
    exited.then((code) => ({ exited: code })),
    sleep(WORDPRESS_START_TIMEOUT_MS - 30_000).then(() => ({ timedOut: true })),
  ]);
  if (typeof outcome === 'string') {
    return new RunningWordPress(JSON.parse(outcome) as WordPressSite, child, exited, output);
  }
  if ('timedOut' in outcome) {
    // SIGTERM: the harness finishes (or gives up) starting, then cleans up.
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000)]);
    throw new Error(`The WordPress harness did not start in time:\n${output()}`);
  }
  throw new Error(`The WordPress harness failed to start (exit code ${outcome.exited}):\n${output()}`);
}
