import { SetMetadata } from '@nestjs/common';
import { type JobMeta, type JobName, type JobPayloads } from './job-catalogue.js';

export const JOB_HANDLER = 'igny8:job-handler';

export interface JobRunContext {
  /** Aborted when the queue's soft limit passes: pass it to every I/O call and stop writing. */
  signal: AbortSignal;
  /**
   * Aborted when the process running jobs in-process (the inline driver) shuts down: a job that would
   * otherwise wait long may stop there, leaving its work to be continued at the next start.
   */
  interrupted: AbortSignal;
  meta: JobMeta;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
  /** Opaque job id given by the driver. */
  jobId: string;
}

export type JobHandlerFn<N extends JobName> = (
  payload: JobPayloads[N],
  context: JobRunContext,
) => Promise<unknown>;

/** Marks a provider method as the handler of one catalogue job. */
export const JobHandler = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER, name);
