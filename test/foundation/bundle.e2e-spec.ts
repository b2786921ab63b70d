import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_ENTRY, ROOT, type SpawnedApp, SPAWN_TIMEOUT_MS, spawnApp } from '../support/process.js';

/** A module URL's package name, for the modules loaded from node_modules. */
function packageOf(url: string): string | undefined {
  return /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
}

const externalGroups = JSON.parse(
  readFileSync(join(ROOT, 'scripts', 'bundle-external.json'), 'utf8'),
) as Record<string, string[]>;
const external = Object.values(externalGroups).flat();
const isExternal = (name: string) =>
  external.some((entry) => (entry.endsWith('/*') ? name.startsWith(entry.slice(0, -1)) : entry === name));
const dependencies = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> })
    .dependencies,
);

/**
 * The build bundles the API with its packages (scripts/bundle.mjs). A package the bundle holds must
 * not be loaded again from node_modules at run time: a second copy has its own state (a second
 * TypeORM, class-transformer metadata, pg without our type parsers). The built app, started for real,
 * records every module it loads while it boots and serves a request that validates, transforms and
 * writes.
 */
describe('the bundled API (dist/main.js)', () => {
  let app: SpawnedApp;
  const loaded = join(mkdtempSync(join(tmpdir(), 'igny8-bundle-')), 'loaded.txt');

  beforeAll(async () => {
    app = await spawnApp({
      entry: MAIN_ENTRY,
      env: {
        NODE_OPTIONS: `--import=${pathToFileURL(join(ROOT, 'test', 'fixtures', 'bundle', 'record-loads.ts')).href}`,
        LOADED_MODULES_FILE: loaded,
      },
    });
  }, SPAWN_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it('loads from node_modules only the packages it leaves out, never a second copy of one it holds', async () => {
    const response = await fetch(`${app.baseUrl}/api/v1/auth/register/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'bundle@example.com',
        password: 'a-long-passphrase',
        account_name: 'Bundle',
      }),
    });
    expect(response.status).toBe(201);

    const urls = readFileSync(loaded, 'utf8').split('\n').filter(Boolean);
    expect(urls).toContain(pathToFileURL(join(ROOT, 'dist', 'api-process.js')).href);
    // Of ours, only the entry point, the compile cache switch and the migrations (TypeORM loads them
    // by file) are loaded beside the bundle.
    const dist = `${pathToFileURL(join(ROOT, 'dist')).href}/`;
    const ours = urls.filter((url) => url.startsWith(dist));
    const beside = /^((main|compile-cache|api-process)\.js$|migrations\/)/;
    expect(ours.map((url) => url.slice(dist.length)).filter((path) => !beside.test(path))).toEqual([]);
    const packages = new Set(urls.map(packageOf).filter((name): name is string => name !== undefined));
    // Our own direct dependencies loaded at run time are exactly among those the bundle leaves out.
    const loadedDependencies = dependencies.filter((name) => packages.has(name));
    expect(loadedDependencies.filter((name) => !isExternal(name))).toEqual([]);
    // Password hashing (argon2) and the logger (pino) are left out: the check sees them.
    expect(loadedDependencies).toEqual(expect.arrayContaining(['argon2', 'pino']));
    // What is left out to be loaded on first use is not loaded at start (a static import of it in a
    // lazily loaded module of ours would be hoisted to the bundle's top).
    expect(externalGroups['loaded on first use'].filter((name) => packages.has(name))).toEqual([]);
  });
});
