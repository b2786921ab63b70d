import {
  type ArgumentMetadata,
  Body,
  Injectable,
  Optional,
  type Type,
  type ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { ApiError, type FieldErrors } from './error-codes.js';

/** Flattens class-validator errors into the dotted-key `errors` map of a validation error. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldErrors {
  const result: FieldErrors = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      const key = error.property === '' ? 'non_field_errors' : path;
      (result[key] ??= []).push(...Object.values(error.constraints));
    }
    if (error.children?.length) Object.assign(result, flattenValidationErrors(error.children, path));
  }
  return result;
}

/**
 * Global pipe: strips unknown and read-only fields (whitelist), transforms to DTO classes,
 * treats an absent body as `{}`, and reports failures as 400 `validation_error`.
 */
@Injectable()
export class ApiValidationPipe extends ValidationPipe {
  /** `expectedType` validates against that class where the parameter's own type is not known (generic routes). */
  constructor(@Optional() expectedType?: Type<unknown>) {
    super({
      expectedType,
      whitelist: true,
      forbidNonWhitelisted: false,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => ApiError.validation(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (value === undefined || value === null || value === '')) value = {};
    if (metadata.type === 'body' && (typeof value !== 'object' || Array.isArray(value))) {
      throw ApiError.field('non_field_errors', 'Invalid data. Expected a dictionary.');
    }
    return super.transform(value, metadata);
  }

  /**
   * Path and query text stays text for the strict parsers after this pipe (`IdPipe`, the list query):
   * Nest's own conversion (`+value`) would read `0x1`, `1e0` or ` 1` as the id 1.
   */
  protected override transformPrimitive(value: unknown): unknown {
    return value;
  }
}

/** `@Body()` validated as `dto` (for routes built by factories, where TypeScript types are erased). */
export const BodyAs = (dto: Type<unknown>): ParameterDecorator => Body(new ApiValidationPipe(dto));
