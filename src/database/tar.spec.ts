import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractTar } from './tar.js';

describe('extractTar', () => {
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'igny8-tar-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A ustar archive of `files` made by the system's tar. */
  function archiveOf(files: Record<string, string | Buffer>): Buffer {
    const source = scratch();
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(source, name, '..'), { recursive: true });
      writeFileSync(join(source, name), content);
    }
    return execFileSync('tar', ['--format=ustar', '-cf', '-', '-C', source, '.']);
  }

  it('writes every directory and file with its exact content, block boundaries included', () => {
    const files = {
      PG_VERSION: '17\n',
      'base/5/1249': Buffer.alloc(512, 7),
      'base/5/2838': Buffer.from(Array.from({ length: 1025 }, (_, i) => i % 251)),
      'global/empty': '',
      'pg_wal/archive_status/.keep': 'x',
    };
    const target = join(scratch(), 'data');
    extractTar(archiveOf(files), target);
    for (const [name, content] of Object.entries(files)) {
      expect(readFileSync(join(target, name))).toEqual(Buffer.from(content));
    }
    expect(statSync(join(target, 'pg_wal', 'archive_status')).isDirectory()).toBe(true);
    expect(statSync(join(target, 'base', '5', '1249')).mode & 0o777).toBe(0o600);
  });

  it('refuses an entry whose path leads out of the directory, writing nothing outside it', () => {
    const archive = archiveOf({ 'inside.txt': 'ok' });
    // Rename the first file entry (after the "./" directory entry) to a path that climbs out.
    const header = archive.subarray(512, 1024);
    header.fill(0, 0, 100);
    header.write('../escaped.txt', 0, 'utf8');
    let sum = 0;
    header.fill(0x20, 148, 156);
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'utf8');
    const parent = scratch();
    expect(() => extractTar(archive, join(parent, 'data'))).toThrow(/leads out of/);
    expect(() => statSync(join(parent, 'escaped.txt'))).toThrow();
  });

  it('refuses entry types it does not write (a symbolic link)', () => {
    const source = scratch();
    writeFileSync(join(source, 'target'), 'x');
    execFileSync('ln', ['-s', 'target', join(source, 'link')]);
    const archive = execFileSync('tar', ['--format=ustar', '-cf', '-', '-C', source, 'link']);
    expect(() => extractTar(archive, join(scratch(), 'data'))).toThrow(/Unsupported tar entry type "2"/);
  });
});
