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
import { isServiceUnavailable } from './service-unavailable.js';

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

/**
 * Renders every error as the unified error envelope (docs/api-conventions.md#envelope) — or Nest's body when
 * disabled.
 */
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
    reply.status(error.status).send(errorBody(error, request.id, this.config.unifiedErrors));
  }

  private toApiError(exception: unknown, request: FastifyRequest): ApiError {
    if (exception instanceof ApiError) {
      // Remote-platform (502) and readiness (503) errors are meant for the client; anything else 5xx is hidden.
      if (exception.status >= 500 && exception.status !== 502 && exception.status !== 503) {
        return new ApiError(exception.code, DEFAULT_MESSAGES.internal_error);
      }
      return exception;
    }
    // Nest hands Fastify's own 4xx errors (body limit, content type, content length…) over as an
    // HttpException whose cause is the Fastify error; they carry a `FST_…` code either way.
    const fastifyError = asFastifyError(exception instanceof HttpException ? exception.cause : exception);
    if (fastifyError && fastifyError.statusCode < 500) return fromFastifyError(fastifyError);
    if (exception instanceof HttpException) return this.fromHttpException(exception, request);
    if (isServiceUnavailable(exception))
      return new ApiError(
        'service_unavailable',
        'A service the API needs is unavailable; try again shortly.',
      );
    if (isMalformedMultipart(exception)) return new ApiError('parse_error', 'Malformed multipart body.');
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
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const messages = (Array.isArray(raw) ? raw : [raw]).filter((m): m is string => typeof m === 'string');
    // A validation error always reads "Validation failed." with an `errors` map
    // (docs/api-conventions.md#envelope): a bare BadRequestException's message concerns no single field.
    if (code === 'validation_error') {
      return ApiError.validation({ non_field_errors: messages.length > 0 ? messages : ['Invalid input.'] });
    }
    return new ApiError(code, messages.length === 1 ? messages[0] : undefined);
  }
}

/**
 * The error envelope (docs/api-conventions.md#envelope), or Nest's default body when `UNIFIED_ERRORS=false`.
 */
export function errorBody(error: ApiError, requestId: string, unified: boolean): Record<string, unknown> {
  if (!unified) {
    // Nest's default body; field errors become its list of messages, as Nest's ValidationPipe reports them.
    const fieldMessages = error.extra.errors
      ? Object.entries(error.extra.errors).flatMap(([field, messages]) =>
          messages.map((message) => (field === 'non_field_errors' ? message : `${field}: ${message}`)),
        )
      : undefined;
    return {
      statusCode: error.status,
      message: fieldMessages ?? error.message,
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

/**
 * The multipart parser (busboy, read lazily by upload handlers) reports a malformed body with a plain
 * `Error` and no code: its origin is the one mark it carries.
 */
function isMalformedMultipart(error: unknown): boolean {
  return error instanceof Error && /[\\/]@fastify[\\/]busboy[\\/]/.test(error.stack ?? '');
}

interface FastifyError {
  code: string;
  statusCode: number;
  message: string;
}

function asFastifyError(error: unknown): FastifyError | undefined {
  const candidate = error as Partial<FastifyError> | undefined;
  return typeof candidate?.code === 'string' &&
    candidate.code.startsWith('FST_') &&
    typeof candidate.statusCode === 'number'
    ? (candidate as FastifyError)
    : undefined;
}

function fromFastifyError(error: FastifyError): ApiError {
  const code: ErrorCode =
    FASTIFY_CODES[error.code] ??
    (error.statusCode === 413
      ? 'payload_too_large'
      : error.statusCode === 415
        ? 'unsupported_media_type'
        : error.statusCode === 404
          ? 'not_found'
          : 'parse_error');
  return code === 'parse_error'
    ? new ApiError(code, `Malformed request - ${error.message}`)
    : new ApiError(code);
}
