import { Controller, Get, Req, type StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { ApiError } from '../http/error-codes.js';
import { UseThrottler } from '../throttling/throttle.decorator.js';
import { MediaService } from './media.service.js';

/**
 * `GET /media/<path>` (docs/api-conventions.md#media-files): the stored media files, public (no credentials
 * read), unthrottled; 404 when the file does not exist or the path is unsafe.
 */
@ApiExcludeController()
@Controller('media')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Get('*')
  @Public()
  @UseThrottler(null)
  async serve(@Req() request: FastifyRequest): Promise<StreamableFile> {
    const path = (request.params as Record<string, string | undefined>)['*'];
    const file = await this.media.file(path);
    if (!file) throw ApiError.notFound();
    return this.media.stream(file);
  }
}
