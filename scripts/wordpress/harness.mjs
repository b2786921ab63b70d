#!/usr/bin/env node
// A real WordPress on loopback for tests and by hand, from Debian's packages (no Docker): MariaDB on a
// throwaway data directory (unix socket only), WordPress served by `php -S` through router.php, installed
// with php-cli, an admin with an Application Password. docs/wordpress-test-harness.md explains it.
//
//   node scripts/wordpress/harness.mjs install            apt-get the packages when missing; print versions
//   node scripts/wordpress/harness.mjs start              start a site, print its facts (JSON), leave it running
//   node scripts/wordpress/harness.mjs stop DIR           stop the site whose directory is DIR, remove its files
//   node scripts/wordpress/harness.mjs env DIR            the site's facts as shell `export` lines
//   node scripts/wordpress/harness.mjs plugin DIR PLUGIN  copy the plugin folder PLUGIN into the site, activate it
//   node scripts/wordpress/harness.mjs run                start, print the facts as one JSON line, stop when
//                                                         stdin closes or on SIGTERM/SIGINT (what the tests use)
/* global fetch, AbortSignal */
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const HERE = import.meta.dirname;
const WORDPRESS_DIR = '/usr/share/wordpress';
const CONFIG_DIR = '/etc/wordpress';
const FACTS_FILE = 'wordpress.json';
const POLICY_RC = '/usr/sbin/policy-rc.d';
/** php-xml, php-curl and php-mbstring are only suggested by the wordpress package; REST and media need them. */
const PACKAGES = [
  'wordpress',
  'php-cli',
  'php-mysql',
  'php-xml',
  'php-curl',
  'php-gd',
  'php-mbstring',
  'mariadb-server',
];
const ADMIN_USER = 'admin';
const ADMIN_EMAIL = 'admin@example.test';
const DATABASE = 'wordpress';
const DATABASE_USER = 'wordpress';

function log(message) {
  process.stderr.write(`wordpress-harness: ${message}\n`);
}

/** Runs a command to completion within `timeoutMs`; the error names `what` and carries the command's output. */
function run(what, command, args, { timeoutMs, env, allowExitCodes = [0] }) {
  return new Promise((done, fail) => {
    execFile(
      command,
      args,
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, ...env },
      },
      (error, stdout, stderr) => {
        const code = error ? error.code : 0;
        if (!error || (typeof code === 'number' && allowExitCodes.includes(code)))
          return done({ code, stdout, stderr });
        const reason = error.killed
          ? `timed out after ${timeoutMs / 1000}s`
          : `failed (${error.code ?? error.message})`;
        fail(new Error(`${what}: ${command} ${reason}\n${tail(`${stdout}\n${stderr}`)}`));
      },
    );
  });
}

function tail(text, lines = 30) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function readTail(file) {
  return existsSync(file) ? tail(readFileSync(file, 'utf8')) : `(${file} is missing)`;
}

async function missingPackages() {
  if (!existsSync('/usr/bin/dpkg-query')) return PACKAGES;
  const { stdout } = await run(
    'dpkg-query',
    'dpkg-query',
    ['-W', '-f', '${Package} ${db:Status-Abbrev}\n', ...PACKAGES],
    {
      timeoutMs: 30_000,
      allowExitCodes: [0, 1],
    },
  );
  const installed = new Set(
    stdout
      .split('\n')
      .filter((line) => line.split(' ')[1]?.startsWith('ii'))
      .map((line) => line.split(' ')[0]),
  );
  return PACKAGES.filter((name) => !installed.has(name));
}

/** apt-get installs whatever of PACKAGES is missing (nothing to do, and fast, when all are there). */
async function ensurePackages() {
  const missing = await missingPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(`install: ${missing.join(', ')} missing, and installing needs root`);
  if (!existsSync('/usr/bin/apt-get'))
    throw new Error(`install: ${missing.join(', ')} missing, and there is no apt-get`);
  log(`installing ${missing.join(' ')}`);
  // wordpress depends on a web server (apache2): keep its post-install from starting a daemon on port 80.
  const denyServiceStarts = !existsSync(POLICY_RC);
  if (denyServiceStarts) writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get update', 'apt-get', ['update', '-q', '-o', 'DPkg::Lock::Timeout=120'], {
      timeoutMs: 300_000,
      env,
    });
    await run(
      'apt-get install',
      'apt-get',
      ['install', '-y', '-q', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=120', ...missing],
      { timeoutMs: 900_000, env },
    );
  } finally {
    if (denyServiceStarts) rmSync(POLICY_RC, { force: true });
  }
}

async function versions() {
  const wordpress = /\$wp_version = '([^']+)'/.exec(
    readFileSync(join(WORDPRESS_DIR, 'wp-includes', 'version.php'), 'utf8'),
  )?.[1];
  const php = (
    await run('php version', 'php', ['-r', 'echo PHP_VERSION;'], { timeoutMs: 30_000 })
  ).stdout.trim();
  const mariadb = (
    await run('mariadbd version', 'mariadbd', ['--version'], { timeoutMs: 30_000 })
  ).stdout.trim();
  return { wordpress, php, mariadb };
}

function freePort(host) {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** Alive and not a zombie (a child we started and killed stays in the table until Node reaps it). */
function isRunning(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The recorded pid still belongs to the program we started (not a process that reused the number). */
function isOurs(pid, program) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0].endsWith(program);
  } catch {
    return false;
  }
}

async function waitUntil(what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not done after ${timeoutMs / 1000}s`);
    await sleep(100);
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/** Stops a process group we started (detached, so its pid is the group's id): SIGTERM, then SIGKILL. */
async function stopProcess(name, pid, program) {
  if (!pid || !isRunning(pid) || !isOurs(pid, program)) return;
  signalGroup(pid, 'SIGTERM');
  try {
    await waitUntil(`${name} (pid ${pid}) to exit on SIGTERM`, 20_000, () => !isRunning(pid));
  } catch {
    log(`${name} (pid ${pid}) ignored SIGTERM; killing it`);
  }
  signalGroup(pid, 'SIGKILL');
  await waitUntil(`${name} (pid ${pid}) to exit on SIGKILL`, 5_000, () => !isRunning(pid));
}

function readFacts(dir) {
  const file = join(resolve(dir), FACTS_FILE);
  if (!existsSync(file))
    throw new Error(`${file} is missing: is ${dir} a directory made by harness.mjs start?`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

function writeFacts(facts) {
  writeFileSync(join(facts.dir, FACTS_FILE), `${JSON.stringify(facts, null, 2)}\n`);
}

/** Starts a detached process (its own process group) with its output in `logFile`; records its pid. */
function startDetached(facts, name, command, args, logFile, env = {}) {
  const out = openSync(logFile, 'a');
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env },
  });
  closeSync(out);
  child.unref();
  if (!child.pid) throw new Error(`${name}: ${command} did not start`);
  facts.pids[name] = child.pid;
  writeFacts(facts);
  return child.pid;
}

/**
 * A loopback address of its own (127.a.b.c, all of 127/8 reaches `lo` on Linux): Debian's wp-config picks
 * /etc/wordpress/config-<host>.php by host name without the port, so a distinct address keeps our
 * config file apart from a real site's (localhost, 127.0.0.1) and from other harness runs. Created
 * exclusively, never overwriting a file that is there.
 */
function claimConfigFile() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const host = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const file = join(CONFIG_DIR, `config-${host}.php`);
    try {
      writeFileSync(file, '<?php\n', { flag: 'wx', mode: 0o640 });
      return { host, file };
    } catch (error) {
      if (error.code !== 'EEXIST')
        throw new Error(`config: cannot write ${file}: ${error.message}`, { cause: error });
    }
  }
  throw new Error(`config: no free config-<host>.php name in ${CONFIG_DIR}`);
}

function wordpressConfig({ baseUrl, contentDir, databaseSocket, databasePassword }) {
  const salts = [
    'AUTH_KEY',
    'SECURE_AUTH_KEY',
    'LOGGED_IN_KEY',
    'NONCE_KEY',
    'AUTH_SALT',
    'SECURE_AUTH_SALT',
    'LOGGED_IN_SALT',
    'NONCE_SALT',
  ]
    .map((name) => `define('${name}', '${randomBytes(32).toString('hex')}');`)
    .join('\n');
  return `<?php
// Written by the igny8-api WordPress test harness (scripts/wordpress/harness.mjs); removed when it stops.
define('DB_NAME', '${DATABASE}');
define('DB_USER', '${DATABASE_USER}');
define('DB_PASSWORD', '${databasePassword}');
define('DB_HOST', 'localhost:${databaseSocket}');
define('WP_HOME', '${baseUrl}');
define('WP_SITEURL', '${baseUrl}');
define('WP_CONTENT_DIR', '${contentDir}');
define('WP_CONTENT_URL', '${baseUrl}/wp-content');
// Application Passwords need https, or this environment type.
define('WP_ENVIRONMENT_TYPE', 'local');
// No outside network here: no update checks, no cron requests to itself.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISABLE_WP_CRON', true);
define('FS_METHOD', 'direct');
${salts}
`;
}

/** Starts MariaDB, installs WordPress, serves it; on any failure cleans up what it started and rethrows. */
async function startWordPress() {
  const started = Date.now();
  const since = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  await ensurePackages();
  for (const file of [join(WORDPRESS_DIR, 'wp-load.php'), CONFIG_DIR]) {
    if (!existsSync(file)) throw new Error(`start: ${file} is missing although the packages are installed`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'igny8-wp-'));
  const contentDir = join(dir, 'wp-content');
  const facts = {
    dir,
    contentDir,
    pluginsDir: join(contentDir, 'plugins'),
    uploadsDir: join(contentDir, 'uploads'),
    databaseSocket: join(dir, 'mysqld.sock'),
    pids: {},
  };
  writeFacts(facts);
  try {
    await startDatabase(facts);
    log(`MariaDB ready (${since()})`);
    await installWordPress(facts);
    log(`WordPress ${facts.version} installed (${since()})`);
    await serveWordPress(facts);
    log(`serving ${facts.baseUrl} (${since()})`);
    return facts;
  } catch (error) {
    await stopWordPress(dir).catch((stopError) => log(`cleanup after a failed start: ${stopError.message}`));
    throw error;
  }
}

async function startDatabase(facts) {
  const dataDir = join(facts.dir, 'mysql');
  await run(
    'mariadb-install-db',
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--user=root',
      '--auth-root-authentication-method=socket',
      '--skip-test-db',
    ],
    { timeoutMs: 90_000 },
  );
  facts.databasePassword = randomBytes(12).toString('hex');
  const initFile = join(facts.dir, 'init.sql');
  writeFileSync(
    initFile,
    `CREATE DATABASE ${DATABASE};\n` +
      `CREATE USER '${DATABASE_USER}'@'localhost' IDENTIFIED BY '${facts.databasePassword}';\n` +
      `GRANT ALL ON ${DATABASE}.* TO '${DATABASE_USER}'@'localhost';\n`,
  );
  const errorLog = join(facts.dir, 'mysqld.err');
  const pid = startDetached(
    facts,
    'mariadb',
    '/usr/sbin/mariadbd',
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${facts.databaseSocket}`,
      `--pid-file=${join(facts.dir, 'mysqld.pid')}`,
      '--skip-networking',
      '--user=root',
      `--log-error=${errorLog}`,
      `--init-file=${initFile}`,
      '--skip-log-bin',
      '--performance-schema=OFF',
      '--innodb-buffer-pool-size=32M',
      '--innodb-flush-log-at-trx-commit=0',
    ],
    errorLog,
  );
  const ping = [
    '--no-defaults',
    `--socket=${facts.databaseSocket}`,
    `--user=${DATABASE_USER}`,
    `--password=${facts.databasePassword}`,
    'ping',
  ];
  await waitUntil('MariaDB to accept connections', 60_000, async () => {
    if (!isRunning(pid)) throw new Error('MariaDB exited during start-up');
    const { code } = await run('mariadb-admin ping', 'mariadb-admin', ping, {
      timeoutMs: 10_000,
      allowExitCodes: [0, 1],
    });
    return code === 0;
  }).catch((error) => {
    throw new Error(`${error.message}\n${readTail(errorLog)}`);
  });
}

async function installWordPress(facts) {
  for (const sub of ['plugins', 'themes', 'uploads'])
    mkdirSync(join(facts.contentDir, sub), { recursive: true });
  const config = claimConfigFile();
  facts.host = config.host;
  facts.configFile = config.file;
  writeFacts(facts);
  facts.port = await freePort(facts.host);
  facts.baseUrl = `http://${facts.host}:${facts.port}`;
  facts.restUrl = `${facts.baseUrl}/wp-json/`;
  writeFileSync(config.file, wordpressConfig(facts));
  facts.adminUser = ADMIN_USER;
  facts.adminEmail = ADMIN_EMAIL;
  facts.adminPassword = randomBytes(12).toString('hex');
  const { stdout } = await run(
    'WordPress install (php install.php)',
    'php',
    [join(HERE, 'install.php'), facts.host, ADMIN_USER, facts.adminPassword, ADMIN_EMAIL],
    { timeoutMs: 120_000 },
  );
  const installed = JSON.parse(stdout.trim().split('\n').at(-1));
  facts.userId = installed.userId;
  facts.appPassword = installed.appPassword;
  facts.version = installed.version;
  writeFacts(facts);
}

async function serveWordPress(facts) {
  const serverLog = join(facts.dir, 'php-server.log');
  const pid = startDetached(
    facts,
    'php',
    '/usr/bin/php',
    ['-S', `${facts.host}:${facts.port}`, '-t', WORDPRESS_DIR, join(HERE, 'router.php')],
    serverLog,
    // A few workers, so that a request WordPress makes to itself cannot deadlock the server.
    { PHP_CLI_SERVER_WORKERS: '4', IGNY8_WP_CONTENT_DIR: facts.contentDir },
  );
  await waitUntil('WordPress to answer ?rest_route=/', 30_000, async () => {
    if (!isRunning(pid)) throw new Error('php -S exited during start-up');
    const response = await fetch(`${facts.baseUrl}/?rest_route=/`, {
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    return response?.ok === true;
  }).catch((error) => {
    throw new Error(`${error.message}\n${readTail(serverLog)}`);
  });
}

/** Stops the processes recorded in DIR/wordpress.json, removes the per-host config file and DIR. */
async function stopWordPress(dir) {
  const facts = readFacts(dir);
  await stopProcess('php -S', facts.pids.php, 'php');
  await stopProcess('MariaDB', facts.pids.mariadb, 'mariadbd');
  if (facts.configFile) rmSync(facts.configFile, { force: true });
  rmSync(facts.dir, { recursive: true, force: true });
}

/** Copies the plugin folder into the site's wp-content/plugins and activates it. */
async function installPlugin(dir, pluginDir) {
  const facts = readFacts(dir);
  const source = resolve(pluginDir);
  if (!existsSync(source)) throw new Error(`plugin: ${source} does not exist`);
  const folder = basename(source);
  const target = join(facts.pluginsDir, folder);
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true });
  const { stdout } = await run(
    `plugin activation (${folder})`,
    'php',
    [join(HERE, 'activate-plugin.php'), facts.host, folder],
    { timeoutMs: 60_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

function shellQuote(value) {
  return `'${String(value).replaceAll("'", "'\\''")}'`;
}

function exportLines(facts) {
  return Object.entries({
    WORDPRESS_URL: facts.baseUrl,
    WORDPRESS_USER: facts.adminUser,
    WORDPRESS_APP_PASSWORD: facts.appPassword,
    WORDPRESS_DIR: facts.dir,
  })
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join('\n');
}

/**
 * `run`: the site lives as long as this process; stdin closing (the parent went away) stops it too. A
 * stop asked for while starting waits for the start to finish (or fail), so nothing is left behind.
 */
async function runInForeground() {
  const stopAsked = new Promise((done) => {
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
    process.stdin.once('end', done);
    process.stdin.once('close', done);
    process.stdin.resume();
  });
  const facts = await startWordPress();
  process.stdout.write(`${JSON.stringify(facts)}\n`);
  await stopAsked;
  await stopWordPress(facts.dir);
}

async function main([command, ...args]) {
  const needs = (count, usage) => {
    if (args.length !== count) throw new Error(`usage: harness.mjs ${command} ${usage}`);
  };
  switch (command) {
    case 'install': {
      await ensurePackages();
      const { wordpress, php, mariadb } = await versions();
      console.log(`WordPress ${wordpress}, PHP ${php}, ${mariadb}`);
      return;
    }
    case 'start':
      console.log(JSON.stringify(await startWordPress(), null, 2));
      return;
    case 'stop':
      needs(1, 'DIR');
      await stopWordPress(args[0]);
      return;
    case 'env':
      needs(1, 'DIR');
      console.log(exportLines(readFacts(args[0])));
      return;
    case 'plugin':
      needs(2, 'DIR PLUGIN_DIR');
      console.log(JSON.stringify(await installPlugin(args[0], args[1])));
      return;
    case 'run':
      await runInForeground();
      return;
    default:
      throw new Error(
        'usage: harness.mjs install | start | stop DIR | env DIR | plugin DIR PLUGIN_DIR | run',
      );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(HERE, 'harness.mjs')) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error) => {
      log(error.message);
      process.exit(1);
    },
  );
}
