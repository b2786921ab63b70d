import type { ExecutionContext } from '@nestjs/common';

type Target = ReturnType<ExecutionContext['getClass']> | ReturnType<ExecutionContext['getHandler']>;

/**
 * What a guard derives from a route's decorators, read once per handler and controller class
 * (decorator metadata is fixed once the application is built) instead of on every request.
 */
export class RouteMetadata<T> {
  private readonly byClass = new WeakMap<Target, WeakMap<Target, T>>();

  /** `read` gets `[handler, class]`, the targets `Reflector.getAllAndOverride` takes. */
  constructor(private readonly read: (targets: Target[]) => T) {}

  of(execution: ExecutionContext): T {
    const handler = execution.getHandler();
    const controller = execution.getClass();
    let byHandler = this.byClass.get(controller);
    if (!byHandler) {
      byHandler = new WeakMap();
      this.byClass.set(controller, byHandler);
    }
    if (!byHandler.has(handler)) byHandler.set(handler, this.read([handler, controller]));
    return byHandler.get(handler) as T;
  }
}
