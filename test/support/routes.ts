import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ACCOUNT_GATE_IN_SERVICE,
  API_KEY_ALLOWED,
  OPTIONAL_AUTH,
  ROLES,
  SKIP_ACCOUNT_GATE,
} from '../../src/common/auth/auth.decorators.js';
import { IS_PUBLIC } from '../../src/common/auth/public.decorator.js';
import type { RoleMark } from '../../src/common/auth/roles.js';
import { THROTTLE_SCOPE } from '../../src/common/throttling/throttle.decorator.js';

export interface RouteInfo {
  method: string;
  path: string;
  isPublic: boolean;
  optionalAuth: boolean;
  role: RoleMark;
  apiKey: boolean;
  gateExempt: boolean;
  /** The guard skips the account gate because the route's service applies it (not an exemption). */
  gateInService: boolean;
  throttle: string;
  /** The file declaring the route's controller class, from the repository root (`src/…`). */
  controllerFile: string;
}

const ROOT = join(import.meta.dirname, '..', '..');

/** Controller name → the file declaring it (a class, or a `const` made by `resourceController`). */
function controllerFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts')) {
        for (const [, name] of readFileSync(path, 'utf8').matchAll(
          /^export (?:(?:abstract )?class|const) (\w+Controller)\b/gm,
        )) {
          files.set(name, relative(ROOT, path));
        }
      }
    }
  };
  visit(join(ROOT, 'src'));
  visit(join(ROOT, 'test', 'fixtures'));
  return files;
}

/** Every route of the application with its access metadata, read the way the guards read it. */
export function listRoutes(app: NestFastifyApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const files = controllerFiles();
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller || !wrapper.instance) continue;
    const controllerFile = files.get(controller.name);
    if (!controllerFile)
      throw new Error(`No file under src/ or test/fixtures/ declares the controller ${controller.name}`);
    const bases = [reflector.get<string | string[]>(PATH_METADATA, controller)].flat();
    const prototype = Object.getPrototypeOf(wrapper.instance) as object;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name] as () => unknown;
      const paths = reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
      if (paths === undefined) continue;
      const meta = <T>(key: string) => reflector.getAllAndOverride<T | undefined>(key, [handler, controller]);
      const isPublic = meta<boolean>(IS_PUBLIC) === true;
      const scope = meta<string | null>(THROTTLE_SCOPE);
      for (const base of bases) {
        for (const path of [paths].flat()) {
          routes.push({
            method: RequestMethod[reflector.get<RequestMethod>(METHOD_METADATA, handler)],
            path: `/${[base, path].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/'),
            isPublic,
            optionalAuth: meta<boolean>(OPTIONAL_AUTH) === true,
            role: meta<RoleMark>(ROLES) ?? 'viewer',
            apiKey: meta<boolean>(API_KEY_ALLOWED) === true,
            gateExempt:
              meta<boolean>(SKIP_ACCOUNT_GATE) === true && meta<boolean>(ACCOUNT_GATE_IN_SERVICE) !== true,
            gateInService: meta<boolean>(ACCOUNT_GATE_IN_SERVICE) === true,
            throttle: scope === undefined ? (isPublic ? 'none' : 'default') : (scope ?? 'none'),
            controllerFile,
          });
        }
      }
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}
