import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What `npm run plugin:zip` writes beside each zip (`<slug>-<version>.json`). */
export interface PluginRelease {
  slug: string;
  name: string;
  version: string;
  file: string;
  file_size: number;
  checksum_sha256: string;
  changelog: string;
  min_wp_version: string | null;
  min_php_version: string | null;
  released_at: string | null;
}

const VERSION = /^\d{1,5}\.\d{1,5}\.\d{1,5}$/;
const CHECKSUM = /^[0-9a-f]{64}$/;

const text = (value: unknown, max: number): string | null =>
  typeof value === 'string' && value.length <= max ? value : null;

/** A manifest that names an existing zip of the given plugin, or null. */
function release(raw: unknown, slug: string): PluginRelease | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  const version = text(m.version, 20);
  const checksum = text(m.checksum_sha256, 64);
  if (m.slug !== slug || !version || !VERSION.test(version) || !checksum || !CHECKSUM.test(checksum))
    return null;
  if (m.file !== `${slug}-${version}.zip` || typeof m.file_size !== 'number') return null;
  return {
    slug,
    name: text(m.name, 100) ?? slug,
    version,
    file: m.file,
    file_size: m.file_size,
    checksum_sha256: checksum,
    changelog: text(m.changelog, 100_000) ?? '',
    min_wp_version: text(m.min_wp_version, 20),
    min_php_version: text(m.min_php_version, 20),
    released_at: text(m.released_at, 40),
  };
}

/** The releases of one plugin found in `dir` (manifest and zip both present); a missing dir has none. */
export async function readReleases(dir: string, slug: string): Promise<PluginRelease[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const found: PluginRelease[] = [];
  for (const name of names.filter((n) => n.startsWith(`${slug}-`) && n.endsWith('.json')).sort()) {
    try {
      const parsed = release(JSON.parse(await readFile(join(dir, name), 'utf8')), slug);
      if (parsed && (await stat(join(dir, parsed.file))).isFile()) found.push(parsed);
    } catch {
      // An unreadable manifest or a missing zip is not a release.
    }
  }
  return found;
}

/** Compares two `x.y.z` versions numerically. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
