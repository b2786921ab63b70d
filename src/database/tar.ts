import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';

const BLOCK = 512;

function field(header: Uint8Array, offset: number, length: number): string {
  const bytes = header.subarray(offset, offset + length);
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

/**
 * Writes the directories and regular files of an uncompressed ustar archive under `dir`, in a few
 * large writes each (PGlite loading a data directory archive itself writes it through its emulated
 * file system, several times slower). Any other entry type, or a path leading out of `dir`, throws.
 */
export function extractTar(archive: Uint8Array, dir: string): void {
  const root = resolve(dir);
  for (let offset = 0; offset + BLOCK <= archive.length;) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return;
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    const target = resolve(root, `.${prefix ? `/${prefix}/${name}` : `/${name}`}`);
    if (relative(root, target).split(sep)[0] === '..')
      throw new Error(`A tar entry leads out of ${root}: ${name}`);
    const body = offset + BLOCK;
    if (type === '5') mkdirSync(target, { recursive: true });
    else if (type === '0' || type === '\0') {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, archive.subarray(body, body + size), { mode: 0o600 });
    } else throw new Error(`Unsupported tar entry type "${type}" for ${name}`);
    offset = body + Math.ceil(size / BLOCK) * BLOCK;
  }
}
