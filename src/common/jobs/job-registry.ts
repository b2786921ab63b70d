import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { type JobName } from './job-catalogue.js';
import { JOB_HANDLER, type JobHandlerFn } from './job-handler.decorator.js';

/** Finds every `@JobHandler(name)` method of the application's providers at start-up. */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly handlers = new Map<JobName, JobHandlerFn<JobName>>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method] as (...args: unknown[]) => Promise<unknown>;
        const name = this.reflector.get<JobName | undefined>(JOB_HANDLER, fn);
        if (name) this.register(name, fn.bind(instance));
      }
    }
  }

  register<N extends JobName>(name: N, handler: JobHandlerFn<N>): void {
    if (this.handlers.has(name)) throw new Error(`Two handlers for job "${name}"`);
    this.handlers.set(name, handler as JobHandlerFn<JobName>);
  }

  get(name: JobName): JobHandlerFn<JobName> | undefined {
    return this.handlers.get(name);
  }
}
