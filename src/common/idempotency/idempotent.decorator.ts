import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';

/**
 * The route accepts an optional `Idempotency-Key` header (docs/api-conventions.md#idempotency). For
 * authenticated JSON routes only: keys belong to the caller's account.
 */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Replays the stored answer of the same request sent with this key within 24 hours (409 for another request or while the first is in progress).',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    }),
  );
