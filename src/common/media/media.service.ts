import { Injectable, StreamableFile } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { AppConfig } from '../../config/app-config.js';
import { type MediaFile, MediaStorage } from './media-storage.js';

/** CLS key of the request origin (`protocol://host`), for media URLs when PUBLIC_BASE_URL is not set. */
const MEDIA_ORIGIN = Symbol('igny8:media-origin');

/** Public URLs and streaming of stored media (docs/api-conventions.md#media-files). */
@Injectable()
export class MediaService {
  constructor(
    private readonly storage: MediaStorage,
    private readonly config: AppConfig,
    private readonly cls: ClsService,
  ) {}

  file(path: string | null | undefined): Promise<MediaFile | null> {
    return this.storage.find(path);
  }

  /**
   * The absolute public URL of a media path: PUBLIC_BASE_URL, else `origin` (for work done outside
   * a request), else the current request's origin, + `/media/<path>`.
   */
  url(relative: string, origin?: string): string {
    const base = this.config.http.publicBaseUrl?.replace(/\/+$/, '') ?? origin ?? this.origin();
    return `${base}/media/${relative.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** `path → url` for the paths whose file exists (looked up in parallel). */
  async urls(paths: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
    const unique = [...new Set(paths.filter((path): path is string => !!path))];
    const found = await Promise.all(unique.map(async (path) => ((await this.file(path)) ? path : null)));
    return new Map(found.filter((path) => path !== null).map((path) => [path, this.url(path)]));
  }

  stream(file: MediaFile): StreamableFile {
    return new StreamableFile(this.storage.read(file), {
      type: file.contentType,
      length: file.size,
      disposition: 'inline',
    });
  }

  rememberOrigin(request: FastifyRequest): void {
    if (this.cls.isActive()) this.cls.set(MEDIA_ORIGIN, requestOrigin(request));
  }

  private origin(): string {
    return (this.cls.isActive() ? this.cls.get<string | undefined>(MEDIA_ORIGIN) : undefined) ?? '';
  }
}

export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
