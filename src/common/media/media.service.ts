import { Injectable, StreamableFile } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { AppConfig } from '../../config/app-config.js';
import { type RequestContextStore } from '../context/request-context.js';
import { type MediaFile, MediaStorage } from './media-storage.js';

/** Public URLs and streaming of stored media (docs/api-conventions.md#media-files). */
@Injectable()
export class MediaService {
  constructor(
    private readonly storage: MediaStorage,
    private readonly config: AppConfig,
    private readonly cls: ClsService<RequestContextStore>,
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

  /** The origin (`protocol://host`) of the request being served, for media URLs when PUBLIC_BASE_URL is not set. */
  private origin(): string {
    const request = this.cls.isActive() ? this.cls.get('request') : undefined;
    return request ? requestOrigin(request) : '';
  }
}

export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
