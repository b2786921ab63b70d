import { Injectable } from '@nestjs/common';
import { JobHandler } from './job-handler.decorator.js';

/** `noop` (maintenance queue, on demand): does nothing, so a finished job proves a worker is alive. */
@Injectable()
export class NoopJob {
  @JobHandler('noop')
  run(): Promise<void> {
    return Promise.resolve();
  }
}
