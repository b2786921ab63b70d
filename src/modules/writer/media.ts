import {
  type CallHandler,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  type NestInterceptor,
  Req,
  StreamableFile,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { Observable } from 'rxjs';
import { Public } from '../../common/auth/public.decorator.js';
import { ApiError } from '../../common/http/error-codes.js';
import { Throttle } from '../../common/throttling/throttle.decorator.js';
import { AppConfig } from '../../config/app-config.js';

/** CLS key of the request origin (`protocol://host`), for `image_url` when PUBLIC_BASE_URL is not set. */
const MEDIA_ORIGIN = Symbol('igny8:media-origin');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.webp': 'image/webp',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
};

/** A media file found on disk. */
export interface MediaFile {
  path: string;
  size: number;
  contentType: string;
}

/**
 * Generated image files under MEDIA_DIR (api.md 1 "Media"): resolves an `image_path` to a regular
 * file inside the media root — never outside it, whatever the path holds (`..`, absolute paths,
 * backslashes, NUL, symlinks leaving the root) — and builds the public `image_url`.
 */
@Injectable()
export class MediaService {
  private readonly root: string;
  private realRoot: Promise<string | null> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly cls: ClsService,
  ) {
    this.root = resolve(config.mediaDir);
  }

  /** The file at `relative` under the media root, or null (missing, not a regular file, or unsafe). */
  async file(relative: string | null | undefined): Promise<MediaFile | null> {
    if (!relative || !isSafeRelative(relative)) return null;
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

  /** The absolute public URL of a media path: PUBLIC_BASE_URL, else the request origin, + `/media/<path>`. */
  url(relative: string): string {
    const base = this.config.http.publicBaseUrl?.replace(/\/+$/, '') ?? this.origin();
    return `${base}/media/${relative.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** `image_path → image_url` for the paths whose file exists (one `stat` per path, in parallel). */
  async urls(paths: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
    const unique = [...new Set(paths.filter((path): path is string => !!path))];
    const found = await Promise.all(unique.map(async (path) => ((await this.file(path)) ? path : null)));
    return new Map(found.filter((path) => path !== null).map((path) => [path, this.url(path)]));
  }

  /** Streams a file found by `file()`. */
  stream(file: MediaFile): StreamableFile {
    return new StreamableFile(createReadStream(file.path), {
      type: file.contentType,
      length: file.size,
      disposition: 'inline',
    });
  }

  rememberOrigin(request: FastifyRequest): void {
    if (this.cls.isActive()) this.cls.set(MEDIA_ORIGIN, `${request.protocol}://${request.host}`);
  }

  private origin(): string {
    return (this.cls.isActive() ? this.cls.get<string | undefined>(MEDIA_ORIGIN) : undefined) ?? '';
  }

  private rootPath(): Promise<string | null> {
    this.realRoot ??= realpath(this.root).catch(() => null);
    return this.realRoot.then((root) => {
      if (root === null) this.realRoot = undefined; // created later: look again next time
      return root;
    });
  }
}

/** A relative path of plain segments: no `..`/`.`/empty segments, no leading slash, backslash or NUL. */
function isSafeRelative(path: string): boolean {
  if (path.length > 500 || /[\\\0]/.test(path) || path.startsWith('/')) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Records the request origin for the `image_url` of the objects the writer routes return. */
@Injectable()
export class MediaOriginInterceptor implements NestInterceptor {
  constructor(private readonly media: MediaService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.media.rememberOrigin(context.switchToHttp().getRequest<FastifyRequest>());
    return next.handle();
  }
}

/**
 * `GET /media/<path>` (api.md 1, 6): the generated image files, public (no credentials read),
 * unthrottled, served from MEDIA_DIR; 404 when the file does not exist or the path is unsafe.
 */
@ApiExcludeController()
@Controller('media')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Get('*')
  @Public()
  @Throttle(null)
  async serve(@Req() request: FastifyRequest): Promise<StreamableFile> {
    const path = (request.params as Record<string, string | undefined>)['*'];
    const file = await this.media.file(path);
    if (!file) throw ApiError.notFound();
    return this.media.stream(file);
  }
}
