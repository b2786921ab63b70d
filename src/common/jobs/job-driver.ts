import { type JobEnvelope, type JobName } from './job-catalogue.js';

/** Where enqueued jobs go: Bull on Redis, or the in-process inline driver. */
export abstract class JobDriver {
  /** Enqueues a job; a task's job is named by its task id (`meta.taskId`), so it can be looked up. */
  abstract add(name: JobName, envelope: JobEnvelope): Promise<string>;
  /** Whether the job is still waiting, delayed or running (not finished, failed or lost). */
  abstract isLive(name: JobName, jobId: string): Promise<boolean>;
}

export function backoffDelay(
  backoff: { type: 'exponential' | 'fixed'; delayMs: number },
  failedAttempts: number,
): number {
  return backoff.type === 'fixed' ? backoff.delayMs : backoff.delayMs * 2 ** (failedAttempts - 1);
}
