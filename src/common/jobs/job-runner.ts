import { Inject, Injectable, Logger } from '@nestjs/common';
import { TenantContext } from '../context/tenant-context.service.js';
import {
  JOB_DEFINITIONS,
  JOB_LIMITS,
  type JobEnvelope,
  type JobName,
  type QueueLimits,
  type QueueLimitTable,
} from './job-catalogue.js';
import { PermanentJobError, TransientJobError } from './job-errors.js';
import { JobRegistry } from './job-registry.js';

export class JobSoftLimitError extends Error {
  constructor(limitMs: number) {
    super(`Job exceeded its soft time limit of ${limitMs} ms`);
    this.name = 'JobSoftLimitError';
  }
}

function isJobName(name: string): name is JobName {
  return Object.prototype.hasOwnProperty.call(JOB_DEFINITIONS, name);
}

/** Whether a failed attempt should be tried again under the queue's policy. */
export function isRetryable(error: unknown, limits: QueueLimits): boolean {
  if (error instanceof PermanentJobError) return false;
  return limits.retryOn === 'any' || error instanceof TransientJobError;
}

/**
 * Runs one job attempt for any driver: checks the envelope, opens a fresh context from `meta`,
 * and enforces the queue's soft (AbortSignal) and hard (failure) time limits.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('Jobs');
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly interruption = new AbortController();

  constructor(
    private readonly registry: JobRegistry,
    private readonly context: TenantContext,
    @Inject(JOB_LIMITS) private readonly limits: QueueLimitTable,
  ) {}

  limitsOf(name: string): QueueLimits {
    return this.limits[isJobName(name) ? JOB_DEFINITIONS[name].queue : 'maintenance'];
  }

  /** Aborts the `interrupted` signal of every job attempt, running or to come (the drivers' shutdown). */
  interrupt(): void {
    this.interruption.abort();
  }

  /** Resolves once no job attempt runs in this process (at once when none does). */
  whenIdle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async run(name: string, data: unknown, attempt: number, jobId: string): Promise<unknown> {
    this.running++;
    try {
      return await this.runAttempt(name, data, attempt, jobId);
    } finally {
      this.running--;
      if (this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async runAttempt(name: string, data: unknown, attempt: number, jobId: string): Promise<unknown> {
    if (!isJobName(name)) throw new PermanentJobError(`Unknown job "${name}"`);
    const envelope = this.checkEnvelope(name, data);
    const handler = this.registry.get(name);
    if (!handler) throw new PermanentJobError(`No handler is registered for job "${name}"`);
    const limits = this.limitsOf(name);
    const { meta } = envelope;
    const controller = new AbortController();
    const timers: NodeJS.Timeout[] = [];
    const work = this.context.runFresh(meta.requestId, async () => {
      const execute = () =>
        handler(envelope.payload, {
          signal: controller.signal,
          interrupted: this.interruption.signal,
          meta,
          attempt,
          jobId,
        });
      if (meta.system) return this.context.runAsSystem(`job:${name}`, execute, 'debug');
      this.context.setPrincipal({
        userId: meta.userId ?? null,
        accountId: meta.accountId as number,
        siteId: meta.siteId ?? null,
        role: 'system_bot',
        bypassTenant: false,
        via: 'job',
      });
      return execute();
    });
    const guards: Promise<never>[] = [];
    if (limits.softLimitMs) {
      const soft = limits.softLimitMs;
      timers.push(setTimeout(() => controller.abort(new JobSoftLimitError(soft)), soft));
    }
    if (limits.hardLimitMs) {
      const hard = limits.hardLimitMs;
      guards.push(
        new Promise<never>((_, reject) => {
          timers.push(
            setTimeout(
              () => reject(new PermanentJobError(`Job exceeded its hard time limit of ${hard} ms`)),
              hard,
            ),
          );
        }),
      );
    }
    try {
      return await Promise.race([work, ...guards]);
    } catch (error) {
      this.logger.warn({ job: name, jobId, attempt, err: error }, 'Job attempt failed');
      throw error;
    } finally {
      for (const timer of timers) clearTimeout(timer);
    }
  }

  private checkEnvelope(name: JobName, data: unknown): JobEnvelope {
    const envelope = data as Partial<JobEnvelope> | null;
    const meta = envelope?.meta;
    if (
      !meta ||
      typeof meta !== 'object' ||
      typeof meta.requestId !== 'string' ||
      typeof meta.system !== 'boolean'
    ) {
      throw new PermanentJobError(`Job "${name}" has no valid envelope meta`);
    }
    if (!meta.system && !Number.isSafeInteger(meta.accountId)) {
      throw new PermanentJobError(`Tenant job "${name}" has no accountId`);
    }
    if (meta.system !== JOB_DEFINITIONS[name].system) {
      throw new PermanentJobError(
        `Job "${name}" must run as ${JOB_DEFINITIONS[name].system ? 'system' : 'tenant'} job`,
      );
    }
    return { meta, payload: envelope.payload ?? {} };
  }
}
