import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type JobEnvelope, type JobName } from './job-catalogue.js';
import { backoffDelay, JobDriver } from './job-driver.js';
import { isRetryable, JobRunner } from './job-runner.js';

export interface InlineJobOutcome {
  jobId: string;
  name: JobName;
  state: 'completed' | 'failed';
  attempts: number;
  result?: unknown;
  error?: unknown;
}

/**
 * Runs jobs in this process, after the response (never inside the request), with the same
 * envelope, retries and time limits as the Bull driver. Used when no REDIS_URL is configured.
 */
@Injectable()
export class InlineJobDriver extends JobDriver implements OnApplicationShutdown {
  private readonly logger = new Logger('InlineJobs');
  private readonly running = new Map<string, Promise<InlineJobOutcome>>();
  /** Pending retries, each with how to settle it as failed if the process shuts down first. */
  private readonly retryTimers = new Map<NodeJS.Timeout, () => void>();
  private closing = false;

  constructor(private readonly runner: JobRunner) {
    super();
  }

  add(name: JobName, envelope: JobEnvelope): Promise<string> {
    const jobId = envelope.meta.taskId ?? randomUUID();
    const outcome = new Promise<InlineJobOutcome>((resolve) => {
      setImmediate(() => void this.attempt(jobId, name, envelope, 1).then(resolve));
    });
    this.running.set(jobId, outcome);
    void outcome.finally(() => this.running.delete(jobId));
    return Promise.resolve(jobId);
  }

  isLive(_name: JobName, jobId: string): Promise<boolean> {
    return Promise.resolve(this.running.has(jobId));
  }

  /** Waits until every job enqueued so far (and its retries) has finished. */
  async drain(): Promise<InlineJobOutcome[]> {
    const outcomes: InlineJobOutcome[] = [];
    while (this.running.size > 0) outcomes.push(...(await Promise.all([...this.running.values()])));
    return outcomes;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.runner.interrupt();
    for (const [timer, giveUp] of this.retryTimers) {
      clearTimeout(timer);
      giveUp();
    }
    this.retryTimers.clear();
    await Promise.all([...this.running.values()].map((p) => p.catch(() => undefined)));
  }

  private async attempt(
    jobId: string,
    name: JobName,
    envelope: JobEnvelope,
    attempt: number,
  ): Promise<InlineJobOutcome> {
    const limits = this.runner.limitsOf(name);
    try {
      const result = await this.runner.run(name, envelope, attempt, jobId);
      return { jobId, name, state: 'completed', attempts: attempt, result };
    } catch (error) {
      if (this.closing || attempt >= limits.attempts || !isRetryable(error, limits)) {
        this.logger.error({ job: name, jobId, attempt, err: error }, 'Job failed');
        return { jobId, name, state: 'failed', attempts: attempt, error };
      }
      const delay = backoffDelay(limits.backoff, attempt);
      return new Promise<InlineJobOutcome>((resolve) => {
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          void this.attempt(jobId, name, envelope, attempt + 1).then(resolve);
        }, delay);
        this.retryTimers.set(timer, () =>
          resolve({ jobId, name, state: 'failed', attempts: attempt, error }),
        );
      });
    }
  }
}
