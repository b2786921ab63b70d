import { Global, Module } from '@nestjs/common';
import { MediaController } from './media.controller.js';
import { LocalMediaStorage, MediaStorage } from './media-storage.js';
import { MediaService } from './media.service.js';

/** Generated media: the storage port (local disk under MEDIA_DIR), public URLs and `/media/…`. */
@Global()
@Module({
  controllers: [MediaController],
  providers: [{ provide: MediaStorage, useClass: LocalMediaStorage }, MediaService],
  exports: [MediaStorage, MediaService],
})
export class MediaModule {}
