import { Injectable } from '@nestjs/common';
import { TenantContext } from '../context/tenant-context.service.js';
import {
  JOB_DEFINITIONS,
  type JobEnvelope,
  type JobMeta,
  type JobName,
  type JobPayloads,
} from './job-catalogue.js';
import { JobDriver } from './job-driver.js';

/** The producer API every module uses; the driver (Bull or inline) is chosen by configuration. */
@Injectable()
export class JobsService {
  constructor(
    private readonly driver: JobDriver,
    private readonly context: TenantContext,
  ) {}

  /**
   * Enqueues a job with the envelope built from the current context: tenant jobs take the
   * caller's account (and user/site), system jobs carry no account.
   */
  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    extra: Pick<JobMeta, 'taskId' | 'siteId'> = {},
  ): Promise<string> {
    const system = JOB_DEFINITIONS[name].system;
    const requestId = this.context.requestId ?? `job:${name}`;
    let meta: JobMeta;
    if (system) {
      meta = { accountId: null, requestId, system: true, ...extra };
    } else {
      const principal = this.context.requirePrincipal();
      meta = {
        accountId: principal.accountId,
        userId: principal.userId ?? undefined,
        siteId: extra.siteId ?? principal.siteId ?? undefined,
        requestId,
        taskId: extra.taskId,
        system: false,
      };
    }
    const envelope: JobEnvelope<N> = { meta, payload };
    return this.driver.add(name, envelope);
  }
}
