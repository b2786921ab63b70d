import { Injectable, type PipeTransform } from '@nestjs/common';
import { ApiError } from './error-codes.js';
import { isPathId } from './input-guard.js';

/** `{id}` path segments: a decimal id in 1 … 2^53 − 1, else 404 like any unknown path. */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!isPathId(value)) throw ApiError.notFound();
    return Number(value);
  }
}
