import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ERROR_CODES } from '../http/error-codes.js';

/** The error envelope every error answer carries. */
export class ErrorEnvelope {
  @ApiProperty({ example: false })
  success: boolean;

  @ApiProperty({ example: 'Validation failed.' })
  error: string;

  @ApiProperty({ enum: Object.keys(ERROR_CODES), enumName: 'ErrorCode', example: 'validation_error' })
  code: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { email: ['This field is required.'] },
  })
  errors?: Record<string, string[]>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  details?: Record<string, unknown>;

  @ApiProperty()
  request_id: string;
}

/** An error answer specific to the route (the shared ones are added to every operation they apply to). */
export function ApiErrorResponse(status: number, description: string) {
  return ApiResponse({ status, description, schema: { $ref: getSchemaPath(ErrorEnvelope) } });
}

interface EnvelopeOptions {
  status?: number;
  description?: string;
  isArray?: boolean;
}

const base = { success: { type: 'boolean', example: true }, request_id: { type: 'string' } } as const;

/** `{success, data: <model>, message?, request_id}` */
export function ApiData(
  model: Type<unknown> | null,
  { status = 200, description = 'OK', isArray }: EnvelopeOptions = {},
) {
  const data = model
    ? isArray
      ? { type: 'array', items: { $ref: getSchemaPath(model) } }
      : { $ref: getSchemaPath(model) }
    : { type: 'object', nullable: true, example: null };
  return applyDecorators(
    ...(model ? [ApiExtraModels(model)] : []),
    ApiResponse({
      status,
      description,
      schema: {
        type: 'object',
        required: ['success', 'data', 'request_id'],
        properties: { ...base, data, message: { type: 'string' } },
      },
    }),
  );
}

/** `{success, count, next, previous, results: [<model>], request_id}` */
export function ApiPaginated(model: Type<unknown>) {
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({
      status: 200,
      description: 'A page of results',
      schema: {
        type: 'object',
        required: ['success', 'count', 'next', 'previous', 'results', 'request_id'],
        properties: {
          ...base,
          count: { type: 'integer' },
          next: { type: 'string', format: 'uri', nullable: true },
          previous: { type: 'string', format: 'uri', nullable: true },
          results: { type: 'array', items: { $ref: getSchemaPath(model) } },
        },
      },
    }),
  );
}

/** 202 `{success, data: {task_id}, message: "Task queued.", request_id}` */
export function ApiAccepted() {
  return ApiResponse({
    status: 202,
    description: 'Work enqueued',
    schema: {
      type: 'object',
      required: ['success', 'data', 'request_id'],
      properties: {
        ...base,
        data: {
          type: 'object',
          required: ['task_id'],
          properties: { task_id: { type: 'string', format: 'uuid' } },
        },
        message: { type: 'string', example: 'Task queued.' },
      },
    },
  });
}
