import { Injectable } from '@nestjs/common';

/** Registered routes by path pattern, to answer 405 for a known path with the wrong method. */
@Injectable()
export class RouteTable {
  private readonly routes: { pattern: RegExp; method: string }[] = [];

  add(method: string | string[], url: string): void {
    if (url === '*' || url === '/*') return;
    const source = url
      .replace(/\/+$/, '')
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escape(segment)))
      .join('/');
    const pattern = new RegExp(`^${source}/?$`);
    for (const m of Array.isArray(method) ? method : [method]) this.routes.push({ pattern, method: m });
  }

  methodsFor(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) methods.add(route.method);
    return [...methods].filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
  }
}

function escape(segment: string): string {
  return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
