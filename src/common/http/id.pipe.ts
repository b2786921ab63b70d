import { Injectable, type PipeTransform } from '@nestjs/common';
import { ApiError } from './error-codes.js';

/** `{id}` path segments: a positive integer, else 404 like any unknown path (api.md 1). */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,15}$/.test(value)) throw ApiError.notFound();
    return Number(value);
  }
}
