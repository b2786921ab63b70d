import type { INestApplication } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import { controllerHandlers } from './route-facts.js';

type Class = abstract new (...args: never[]) => unknown;

const BUILT_IN = new Set<unknown>([String, Number, Boolean, Object, Array, Date, Buffer, Function, Promise]);

/** `type: () => Dto` (the lazy form `@ApiProperty` accepts), as @nestjs/swagger recognises it. */
function isLazy(type: unknown): type is () => unknown {
  return typeof type === 'function' && type.name === 'type';
}

/** The OpenAPI schema name @nestjs/swagger gives a class: `@ApiSchema({ name })`, else the class name. */
function schemaName(type: Class): string {
  const schemas = (Reflect.getOwnMetadata(DECORATORS.API_SCHEMA, type) ?? []) as { name?: string }[];
  return schemas.at(-1)?.name ?? type.name;
}

/**
 * Every class the document can turn into a component schema, by schema name: the classes named in
 * responses, parameters, bodies and extra models of every route, and the classes of their
 * properties, recursively. @nestjs/swagger keys schemas by name only, so two classes with one name
 * silently share a schema (the second route is then typed with the first class).
 */
export function schemaClasses(app: INestApplication, extraModels: Class[] = []): Map<string, Set<Class>> {
  const byName = new Map<string, Set<Class>>();
  const seen = new Set<unknown>();

  const visit = (type: unknown): void => {
    if (Array.isArray(type)) return type.forEach(visit);
    if (isLazy(type)) return visit(type());
    if (typeof type !== 'function' || BUILT_IN.has(type) || seen.has(type)) return;
    seen.add(type);
    const cls = type as Class;
    for (const model of (Reflect.getMetadata(DECORATORS.API_EXTRA_MODELS, cls) ?? []) as unknown[])
      visit(model);
    const prototype = cls.prototype as object | undefined;
    const keys = prototype
      ? ((Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, prototype) ?? []) as string[])
      : [];
    if (keys.length === 0) return;
    const name = schemaName(cls);
    byName.set(name, (byName.get(name) ?? new Set()).add(cls));
    for (const key of keys.map((k) => k.replace(/^:/, ''))) {
      const property = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype!, key) ?? {}) as {
        type?: unknown;
        items?: { type?: unknown };
      };
      visit(property.type ?? Reflect.getMetadata('design:type', prototype!, key));
      visit(property.items?.type);
    }
  };

  extraModels.forEach(visit);
  for (const { controller, handlers } of controllerHandlers(app)) {
    visit(Reflect.getMetadata(DECORATORS.API_EXTRA_MODELS, controller));
    for (const { name, handler } of handlers) {
      visit(Reflect.getMetadata(DECORATORS.API_EXTRA_MODELS, handler));
      const responses = (Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) ?? {}) as Record<
        string,
        { type?: unknown }
      >;
      Object.values(responses).forEach((response) => visit(response.type));
      const parameters = (Reflect.getMetadata(DECORATORS.API_PARAMETERS, handler) ?? []) as {
        type?: unknown;
      }[];
      parameters.forEach((parameter) => visit(parameter.type));
      visit(Reflect.getMetadata('design:paramtypes', controller.prototype as object, name));
    }
  }
  return byName;
}

/** Throws, naming them, when two classes would be published under one schema name. */
export function assertUniqueSchemaNames(classes: Map<string, Set<Class>>): void {
  const clashes = [...classes]
    .filter(([, types]) => types.size > 1)
    .map(([name, types]) => `"${name}" (${types.size} classes)`);
  if (clashes.length > 0) {
    throw new Error(
      `OpenAPI: schema names used by more than one class: ${clashes.join(', ')}. ` +
        'Rename the classes (or give one @ApiSchema({ name })): each schema name must belong to one class.',
    );
  }
}
