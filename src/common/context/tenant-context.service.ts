import { Injectable, Logger } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { type Principal, type RequestContextStore } from './request-context.js';

export class MissingTenantContextError extends Error {
  constructor() {
    super('No tenant context is set: tenant data cannot be read outside a request, job or runAsSystem.');
  }
}

/**
 * The request/job context. Reading the tenant where none is set throws (fails closed);
 * the only way to act without a principal is the explicit, logged `runAsSystem`.
 */
@Injectable()
export class TenantContext {
  private readonly logger = new Logger('TenantContext');

  constructor(private readonly cls: ClsService<RequestContextStore>) {}

  get requestId(): string | undefined {
    return this.cls.isActive() ? this.cls.get('requestId') : undefined;
  }

  get principal(): Principal | undefined {
    return this.cls.isActive() ? this.cls.get('principal') : undefined;
  }

  get isSystem(): boolean {
    return this.cls.isActive() && this.cls.get('systemReason') !== undefined;
  }

  /** The principal of the request; throws when there is none (fail closed). */
  requirePrincipal(): Principal {
    const principal = this.principal;
    if (!principal) throw new MissingTenantContextError();
    return principal;
  }

  setPrincipal(principal: Principal): void {
    this.cls.set('principal', principal);
  }

  /** Runs `fn` in a fresh context (jobs, CLI commands). */
  runFresh<T>(requestId: string, fn: () => Promise<T>): Promise<T> {
    return this.cls.run({ ifNested: 'override' }, () => {
      this.cls.set('requestId', requestId);
      return fn();
    });
  }

  /**
   * The one reviewed way to read or write tenant rows without a principal. Always logged; system
   * jobs, whose lift the job catalogue declares, log it at debug level (one line per run otherwise).
   */
  runAsSystem<T>(reason: string, fn: () => Promise<T>, level: 'log' | 'debug' = 'log'): Promise<T> {
    const requestId = this.requestId;
    return this.cls.run({ ifNested: 'inherit' }, () => {
      if (requestId) this.cls.set('requestId', requestId);
      this.cls.set('systemReason', reason);
      this.logger[level]({ reason }, 'runAsSystem');
      return fn();
    });
  }
}
