import type { FastifyRequest } from 'fastify';
import { ApiError } from '../http/error-codes.js';

export const NO_FILE_MESSAGE = 'No file was submitted.';

/**
 * The bytes of the multipart field `field` (docs/api-conventions.md#csv-import-and-export). A body of another
 * content type → 415 `unsupported_media_type`; no body, or a multipart body without that file → 400 on the
 * field; a file over the multipart limit (10 MB) → 413 `payload_too_large` (thrown by @fastify/multipart).
 */
export async function readUploadedFile(request: FastifyRequest, field = 'file'): Promise<Buffer> {
  if (!request.isMultipart()) {
    const hasBody =
      request.headers['content-type'] !== undefined || Number(request.headers['content-length']) > 0;
    if (hasBody)
      throw new ApiError('unsupported_media_type', 'Unsupported media type: send multipart/form-data.');
    throw ApiError.field(field, NO_FILE_MESSAGE);
  }
  for await (const part of request.parts()) {
    if (part.type === 'file' && part.fieldname === field) return part.toBuffer();
    if (part.type === 'file') await part.toBuffer();
  }
  throw ApiError.field(field, NO_FILE_MESSAGE);
}
