/**
 * Every machine-readable error code of the API (docs/api-conventions.md#error-codes) with its HTTP status.
 */
export const ERROR_CODES = {
  validation_error: 400,
  parse_error: 400,
  invalid_transition: 400,
  invalid_token: 400,
  sector_limit_reached: 400,
  connection_failed: 400,
  site_url_mismatch: 400,
  invoice_already_paid: 400,
  not_published: 400,
  platform_not_supported: 400,
  model_not_supported: 400,
  invalid_signature: 400,
  authentication_required: 401,
  invalid_credentials: 401,
  token_invalid: 401,
  token_expired: 401,
  token_reused: 401,
  invalid_api_key: 401,
  payment_required: 402,
  insufficient_credits: 402,
  permission_denied: 403,
  account_inactive: 403,
  plan_limit_reached: 403,
  module_disabled: 403,
  system_account_protected: 403,
  csrf_failed: 403,
  api_key_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  automation_already_running: 409,
  invalid_state: 409,
  in_use: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  headers_too_large: 431,
  throttled: 429,
  internal_error: 500,
  publish_failed: 502,
  upstream_error: 502,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const DEFAULT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  validation_error: 'Validation failed.',
  parse_error: 'Malformed request body.',
  authentication_required: 'Authentication credentials were not provided.',
  permission_denied: 'You do not have permission to perform this action.',
  not_found: 'Not found.',
  payload_too_large: 'Request body is too large.',
  unsupported_media_type: 'Unsupported media type.',
  headers_too_large: 'Request headers are too large.',
  request_timeout: 'The request took too long to arrive.',
  internal_error: 'A server error occurred.',
  service_unavailable: 'Service not ready.',
  conflict: 'Conflict.',
};

export type FieldErrors = Record<string, string[]>;

/** The one error type services throw; the global filter renders it as the error envelope. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly extra: {
      errors?: FieldErrors;
      details?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message ?? DEFAULT_MESSAGES[code] ?? code);
    this.status = ERROR_CODES[code];
  }

  static validation(errors: FieldErrors): ApiError {
    return new ApiError('validation_error', undefined, { errors });
  }

  static field(field: string, message: string): ApiError {
    return ApiError.validation({ [field]: [message] });
  }

  static notFound(message = 'Not found.'): ApiError {
    return new ApiError('not_found', message);
  }
}
