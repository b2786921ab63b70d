import { type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';

type Import = NonNullable<ModuleMetadata['imports']>[number];

const ENHANCERS: unknown[] = [APP_GUARD, APP_INTERCEPTOR];

function isEnhancer(provider: Provider): boolean {
  return typeof provider === 'object' && ENHANCERS.includes(provider.provide);
}

function withoutEnhancers(module: Import): Import {
  if (typeof module !== 'object' || module === null || !('module' in module)) return module;
  return {
    ...module,
    providers: module.providers?.filter((provider) => !isEnhancer(provider)),
    imports: module.imports?.map(withoutEnhancers),
  };
}

/**
 * `ClsModule.forRoot({ global: true })` without the global guard and interceptor nestjs-cls registers
 * even when it mounts neither (they then do nothing). The request context is opened by a Fastify
 * hook (`configureHttp`), and one global interceptor, even one that does nothing, makes Nest run
 * every request through an rxjs pipeline (docs/performance.md#interceptors).
 */
export function requestContextModule(): DynamicModule {
  return withoutEnhancers(ClsModule.forRoot({ global: true })) as DynamicModule;
}
