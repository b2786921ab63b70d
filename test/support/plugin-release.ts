import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './process.js';

/** The manifest `npm run plugin:zip` writes beside the zip. */
export interface PluginManifest {
  version: string;
  file: string;
  checksum_sha256: string;
  file_size: number;
  changelog: string;
}

/** Packages the bridge plugin with the project's own script into a fresh releases directory. */
export function packagePlugin(): { dir: string; manifest: PluginManifest } {
  const dir = mkdtempSync(join(tmpdir(), 'igny8-plugin-releases-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'wordpress', 'plugin-zip.mjs'), '--out', dir], {
    cwd: ROOT,
  });
  const version = /Version:\s*(\S+)/.exec(
    readFileSync(join(ROOT, 'wordpress-plugin', 'igny8-wp-bridge', 'igny8-wp-bridge.php'), 'utf8'),
  )![1];
  const manifest = JSON.parse(
    readFileSync(join(dir, `igny8-wp-bridge-${version}.json`), 'utf8'),
  ) as PluginManifest;
  return { dir, manifest };
}
