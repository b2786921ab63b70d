import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

const KEEP_RAW_BODY = 'keepRawBody';

type WithRawBody = FastifyRequest & { rawBody?: string };

/**
 * Keeps the exact request body text beside the parsed JSON on this route (payment webhooks sign the
 * bytes they sent, so the signature is checked against them, never against re-serialised JSON).
 */
export const KeepRawBody = (): MethodDecorator & ClassDecorator => RouteConfig({ [KEEP_RAW_BODY]: true });

/** Whether the route of `request` asked for its raw body (`@KeepRawBody()`). */
export function keepsRawBody(request: FastifyRequest): boolean {
  const config = request.routeOptions?.config as unknown as Record<string, unknown> | undefined;
  return config?.[KEEP_RAW_BODY] === true;
}

/** Called by the JSON body parser: remembers the text it parsed. */
export function rememberRawBody(request: FastifyRequest, text: string): void {
  (request as WithRawBody).rawBody = text;
}

/** The raw body of a `@KeepRawBody()` route (`''` for an empty body). */
export const RawBody = createParamDecorator(
  (_data: unknown, execution: ExecutionContext): string =>
    execution.switchToHttp().getRequest<WithRawBody>().rawBody ?? '',
);
