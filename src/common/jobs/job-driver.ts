import { type JobEnvelope, type JobName } from './job-catalogue.js';

/** Where enqueued jobs go: Bull on Redis, or the in-process inline driver. */
export abstract class JobDriver {
  abstract add(name: JobName, envelope: JobEnvelope): Promise<string>;
}

export function backoffDelay(
  backoff: { type: 'exponential' | 'fixed'; delayMs: number },
  failedAttempts: number,
): number {
  return backoff.type === 'fixed' ? backoff.delayMs : backoff.delayMs * 2 ** (failedAttempts - 1);
}
