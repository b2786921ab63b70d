import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { ApiError, DEFAULT_MESSAGES, type ErrorCode } from './error-codes.js';
import { RouteTable } from './route-table.js';

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'validation_error',
  401: 'authentication_required',
  402: 'payment_required',
  403: 'permission_denied',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'throttled',
  503: 'service_unavailable',
};

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'parse_error',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'parse_error',
  FST_ERR_CTP_INVALID_JSON_BODY: 'parse_error',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
};

/** Renders every error as the unified error envelope (api.md 4) — or Nest's body when disabled. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(
    private readonly config: AppConfig,
    private readonly routes: RouteTable,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = this.toApiError(exception, request);

    if (error.status >= 500) {
      this.logger.error({ err: exception, code: error.code }, 'Unhandled error');
    }
    if (reply.sent) return;
    for (const [name, value] of Object.entries(error.extra.headers ?? {})) reply.header(name, value);
    if (error.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="api"');
    reply.status(error.status).send(this.body(error, request.id));
  }

  private body(error: ApiError, requestId: string): Record<string, unknown> {
    if (!this.config.unifiedErrors) {
      return {
        statusCode: error.status,
        message: error.message,
        error: HttpStatus[error.status]
          ?.toLowerCase()
          .replace(/_/g, ' ')
          .replace(/\b\w/g, (c) => c.toUpperCase()),
      };
    }
    const body: Record<string, unknown> = {
      success: false,
      error: error.message,
      code: error.code,
    };
    if (error.extra.errors) body.errors = error.extra.errors;
    if (error.extra.details) body.details = error.extra.details;
    body.request_id = requestId;
    return body;
  }

  private toApiError(exception: unknown, request: FastifyRequest): ApiError {
    if (exception instanceof ApiError) {
      if (exception.status >= 500) return new ApiError(exception.code, DEFAULT_MESSAGES.internal_error);
      return exception;
    }
    if (exception instanceof HttpException) return this.fromHttpException(exception, request);
    const fastifyError = exception as { code?: string; statusCode?: number; message?: string };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
      const code =
        FASTIFY_CODES[fastifyError.code ?? ''] ??
        (fastifyError.statusCode === 413
          ? 'payload_too_large'
          : fastifyError.statusCode === 415
            ? 'unsupported_media_type'
            : 'parse_error');
      const message =
        code === 'parse_error' ? `JSON parse error - ${fastifyError.message ?? 'invalid body'}` : undefined;
      return new ApiError(code, message);
    }
    return new ApiError('internal_error');
  }

  private fromHttpException(exception: HttpException, request: FastifyRequest): ApiError {
    const status = exception.getStatus();
    const routed = request.routeOptions?.url !== undefined;
    if (status === 404 && !routed) {
      const allowed = this.routes.methodsFor(request.url.split('?')[0]);
      if (allowed.length > 0 && !allowed.includes(request.method)) {
        return new ApiError('method_not_allowed', `Method "${request.method}" not allowed.`, {
          headers: { Allow: allowed.join(', ') },
        });
      }
      return ApiError.notFound();
    }
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'internal_error' : 'validation_error');
    if (status >= 500) return new ApiError(code);
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? DEFAULT_MESSAGES[code]
          : ((response as { message?: string }).message ?? DEFAULT_MESSAGES[code]);
    return new ApiError(code, message);
  }
}
