import type { INestApplication, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import {
  ACCOUNT_GATE_IN_SERVICE,
  API_KEY_ALLOWED,
  OPTIONAL_AUTH,
  SKIP_ACCOUNT_GATE,
} from '../auth/auth.decorators.js';
import { IS_PUBLIC } from '../auth/public.decorator.js';
import { THROTTLE_SCOPE } from '../throttling/throttle.decorator.js';

/** What the guards will do with a route, as far as its documented answers depend on it. */
export interface RouteFacts {
  /** No credentials needed, none validated. */
  public: boolean;
  /** Anonymous callers are let through; credentials that are sent are validated. */
  optionalAuth: boolean;
  apiKey: boolean;
  /** Reachable whatever the account status (no 402 of the account gate). */
  gateExempt: boolean;
  throttled: boolean;
}

/** The operation extension that carries a route's facts into the generated document. */
export const ROUTE_FACTS_EXTENSION = 'x-igny8-route';

/** Every controller class of the application with its route handlers. */
export function controllerHandlers(
  app: INestApplication,
): { controller: Type<unknown>; handlers: { name: string; handler: () => unknown }[] }[] {
  const scanner = new MetadataScanner();
  const result: { controller: Type<unknown>; handlers: { name: string; handler: () => unknown }[] }[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, () => unknown>;
      const handlers = scanner
        .getAllMethodNames(prototype)
        .map((name) => ({ name, handler: prototype[name] }))
        .filter(({ handler }) => Reflect.getMetadata(PATH_METADATA, handler) !== undefined);
      result.push({ controller, handlers });
    }
  }
  return result;
}

/**
 * Reads each route's access and throttle metadata the way the guards do and attaches it to the
 * handler's OpenAPI extensions, so the document can derive credentials, error answers and
 * headers per operation in one place instead of every route declaring them.
 */
export function annotateRouteFacts(app: INestApplication): void {
  const reflector = new Reflector();
  for (const { controller, handlers } of controllerHandlers(app)) {
    for (const { handler } of handlers) {
      const meta = <T>(key: string) => reflector.getAllAndOverride<T | undefined>(key, [handler, controller]);
      const isPublic = meta<boolean>(IS_PUBLIC) === true;
      const scope = meta<string | null>(THROTTLE_SCOPE);
      const facts: RouteFacts = {
        public: isPublic,
        optionalAuth: meta<boolean>(OPTIONAL_AUTH) === true,
        apiKey: meta<boolean>(API_KEY_ALLOWED) === true,
        gateExempt:
          meta<boolean>(SKIP_ACCOUNT_GATE) === true && meta<boolean>(ACCOUNT_GATE_IN_SERVICE) !== true,
        throttled: scope === undefined ? !isPublic : scope !== null,
      };
      const extensions = (Reflect.getMetadata(DECORATORS.API_EXTENSION, handler) ?? {}) as object;
      Reflect.defineMetadata(
        DECORATORS.API_EXTENSION,
        { ...extensions, [ROUTE_FACTS_EXTENSION]: facts },
        handler,
      );
    }
  }
}
