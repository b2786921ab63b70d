#!/usr/bin/env node
// Packages the IGNY8 WordPress Bridge plugin (wordpress-plugin/igny8-wp-bridge) as a release zip that the
// API serves at /api/plugins/igny8-wp-bridge/download/ (docs/wordpress-plugin.md):
//
//   node scripts/wordpress/plugin-zip.mjs [--out DIR]      (npm run plugin:zip)
//
// writes DIR/igny8-wp-bridge-<version>.zip and DIR/igny8-wp-bridge-<version>.json (version, checksum, size,
// changelog, minimum WordPress and PHP versions, release time). DIR defaults to wordpress-plugin/dist.
// The zip holds one folder, igny8-wp-bridge/, as WordPress expects; entries are sorted and carry a fixed
// time, so the same sources always give the same bytes and checksum.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SLUG = 'igny8-wp-bridge';
const SOURCE = join(ROOT, 'wordpress-plugin', SLUG);

function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? files(path) : [path];
    })
    .sort();
}

/** A zip of the given entries (name → bytes), deflated, with a fixed DOS time (1 Jan 2020, 00:00). */
function zip(entries) {
  const DOS_TIME = 0;
  const DOS_DATE = ((2020 - 1980) << 9) | (1 << 5) | 1;
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const compressed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(((0o100644 << 16) >>> 0) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A header field of the main plugin file (`Version`, `Requires at least`, …). */
function header(source, field) {
  const match = new RegExp(`^[ \\t/*#@]*${field}:\\s*(.+)$`, 'mi').exec(source);
  return match ? match[1].trim() : null;
}

/** The readme's changelog entry for the version (the lines under `= <version> =`). */
function changelog(readme, version) {
  const section = readme.split(/^== Changelog ==\s*$/m)[1] ?? '';
  const entries = section.split(/^= (.+?) =\s*$/m);
  const index = entries.findIndex((part, i) => i % 2 === 1 && part.trim() === version);
  return index > 0 ? entries[index + 1].trim() : '';
}

export function buildPluginZip(outDir) {
  const main = readFileSync(join(SOURCE, `${SLUG}.php`), 'utf8');
  const version = header(main, 'Version');
  if (!version || !/^\d+\.\d+\.\d+$/.test(version))
    throw new Error(`${SLUG}.php has no x.y.z Version header`);
  const entries = files(SOURCE).map((path) => [
    `${SLUG}/${relative(SOURCE, path).split(sep).join('/')}`,
    readFileSync(path),
  ]);
  const bytes = zip(entries);
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `${SLUG}-${version}.zip`);
  writeFileSync(zipPath, bytes);
  const manifest = {
    slug: SLUG,
    name: header(main, 'Plugin Name'),
    version,
    file: `${SLUG}-${version}.zip`,
    file_size: bytes.length,
    checksum_sha256: createHash('sha256').update(bytes).digest('hex'),
    changelog: changelog(readFileSync(join(SOURCE, 'readme.txt'), 'utf8'), version),
    min_wp_version: header(main, 'Requires at least'),
    min_php_version: header(main, 'Requires PHP'),
    released_at: new Date(Math.max(...files(SOURCE).map((path) => statSync(path).mtimeMs))).toISOString(),
  };
  writeFileSync(join(outDir, `${SLUG}-${version}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
  return { zipPath, manifest };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const outDir = resolve(at > 0 ? process.argv[at + 1] : join(ROOT, 'wordpress-plugin', 'dist'));
  const { zipPath, manifest } = buildPluginZip(outDir);
  console.log(
    `${relative(process.cwd(), zipPath)}  ${manifest.file_size} bytes  sha256 ${manifest.checksum_sha256}`,
  );
}
