import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AppConfig } from '../../config/app-config.js';
import { TenantContext } from '../context/tenant-context.service.js';
import { wrap } from '../http/envelope.js';
import { ApiError } from '../http/error-codes.js';
import { errorBody } from '../http/exception.filter.js';
import { IdempotencyService, type StoredResponse } from './idempotency.service.js';
import { IDEMPOTENCY_KEY_HEADER, requestHash } from './request-hash.js';

export const REPLAYED_HEADER = 'Idempotent-Replayed';

const KEY_FORMAT = /^[\x20-\x7E]{1,255}$/;
const UUID_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `Idempotency-Key` (docs/api-conventions.md#idempotency): the first request with a key runs and its answer
 * is stored (a 5xx is not); the same request again within 24 hours gets the stored answer without running.
 *
 * The envelope is applied after it (when the result is sent), so it renders the body with the
 * envelope's own `wrap` (which also sets the final status) to store exactly what the client receives.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly keys: IdempotencyService,
    private readonly context: TenantContext,
    private readonly config: AppConfig,
  ) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = execution.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const key = readIdempotencyKey(request);
    if (key === undefined) return next.handle();
    return from(this.run(key, request, http.getResponse<FastifyReply>(), next));
  }

  private async run(
    key: string,
    request: FastifyRequest,
    reply: FastifyReply,
    next: CallHandler,
  ): Promise<unknown> {
    const { accountId } = this.context.requirePrincipal();
    const hash = requestHash(request);
    if (hash === undefined) {
      throw new ApiError('unsupported_media_type', 'Idempotency-Key is accepted with JSON bodies only.');
    }
    const claim = await this.keys.claim(accountId, key, hash);
    if (claim.kind === 'stored') return replay(claim.response, request, reply);

    let result: unknown;
    try {
      result = await lastValueFrom(next.handle());
    } catch (error) {
      await this.recordFailure(claim.id, error, request);
      throw error;
    }
    const body = wrap(result, request.id, reply);
    await this.keys.complete(
      claim.id,
      { status: reply.statusCode, body: JSON.stringify(body) },
      taskIdOf(body),
    );
    return result;
  }

  /** A client error (4xx) is an answer like any other; anything else frees the key for a retry. */
  private async recordFailure(id: string, error: unknown, request: FastifyRequest): Promise<void> {
    if (error instanceof ApiError && error.status < 500) {
      const body = errorBody(error, request.id, this.config.unifiedErrors);
      await this.keys.complete(id, { status: error.status, body: JSON.stringify(body) }, null);
    } else {
      await this.keys.release(id);
    }
  }
}

function readIdempotencyKey(request: FastifyRequest): string | undefined {
  const value = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY_FORMAT.test(value)) {
    throw ApiError.field('Idempotency-Key', 'Must be 1 to 255 printable ASCII characters.');
  }
  return value;
}

/**
 * The stored bytes with this request's `request_id`, sent as they are: the envelope passes a Buffer
 * through unchanged.
 */
function replay(response: StoredResponse, request: FastifyRequest, reply: FastifyReply): Buffer {
  const body = JSON.parse(response.body) as unknown;
  if (isRecord(body) && 'request_id' in body) body.request_id = request.id;
  void reply.status(response.status).header(REPLAYED_HEADER, 'true').type('application/json; charset=utf-8');
  return Buffer.from(JSON.stringify(body));
}

function taskIdOf(body: unknown): string | null {
  const data = isRecord(body) ? body.data : undefined;
  const taskId = isRecord(data) ? data.task_id : undefined;
  return typeof taskId === 'string' && UUID_FORMAT.test(taskId) ? taskId : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
