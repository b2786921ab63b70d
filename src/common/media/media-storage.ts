import { Injectable } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { AppConfig } from '../../config/app-config.js';

/** A stored media file. */
export interface MediaFile {
  path: string;
  size: number;
  contentType: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.webp': 'image/webp',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
};

/**
 * Where generated media live (docs/api-conventions.md#media-files). Paths are relative
 * (`images/ab/<32 hex>.webp`): random 128-bit names, so public URLs cannot be guessed. Local disk ships; an
 * S3-compatible adapter implements the same four operations.
 */
export abstract class MediaStorage {
  /** Stores `data` under a new unguessable name in `folder`; returns its relative path. */
  abstract save(folder: string, data: Buffer, extension: string): Promise<string>;
  /** The file at `path`, or null (missing, not a regular file, or an unsafe path). */
  abstract find(path: string | null | undefined): Promise<MediaFile | null>;
  abstract read(file: MediaFile): Readable;
  abstract remove(path: string): Promise<void>;
}

/** A relative path of plain segments: no `..`/`.`/empty segments, no leading slash, backslash or NUL. */
export function isSafeMediaPath(path: string): boolean {
  if (path.length > 500 || /[\\\0]/.test(path) || path.startsWith('/')) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Media on local disk under MEDIA_DIR; never reads outside it, whatever a path holds (symlinks included). */
@Injectable()
export class LocalMediaStorage extends MediaStorage {
  private readonly root: string;
  private realRoot: Promise<string | null> | undefined;

  constructor(config: AppConfig) {
    super();
    this.root = resolve(config.mediaDir);
  }

  async save(folder: string, data: Buffer, extension: string): Promise<string> {
    const name = randomBytes(16).toString('hex');
    const path = `${folder}/${name.slice(0, 2)}/${name}.${extension}`;
    if (!isSafeMediaPath(path)) throw new Error(`Unsafe media path ${path}`);
    const target = join(this.root, path);
    await mkdir(dirname(target), { recursive: true });
    // Written aside and renamed, so a reader never sees a half-written file.
    const partial = `${target}.partial`;
    await writeFile(partial, data);
    await rename(partial, target);
    return path;
  }

  async find(relative: string | null | undefined): Promise<MediaFile | null> {
    if (!relative || !isSafeMediaPath(relative)) return null;
    const root = await this.rootPath();
    if (root === null) return null;
    try {
      const real = await realpath(resolve(this.root, relative));
      if (!real.startsWith(root + sep)) return null;
      const info = await stat(real);
      if (!info.isFile()) return null;
      const contentType = CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream';
      return { path: real, size: info.size, contentType };
    } catch {
      return null;
    }
  }

  read(file: MediaFile): Readable {
    return createReadStream(file.path);
  }

  async remove(relative: string): Promise<void> {
    const file = await this.find(relative);
    if (file) await rm(file.path, { force: true });
  }

  private rootPath(): Promise<string | null> {
    this.realRoot ??= realpath(this.root).catch(() => null);
    return this.realRoot.then((root) => {
      if (root === null) this.realRoot = undefined; // created later: look again next time
      return root;
    });
  }
}
