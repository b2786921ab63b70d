import type { FastifyRequest } from 'fastify';
import { readCsvUpload, type Report, cell, INT32_MAX } from '../../common/csv/rows.js';
import { NO_FILE_MESSAGE } from '../../common/csv/upload.js';
import { ApiError, type FieldErrors } from '../../common/http/error-codes.js';
import { REQUIRED } from '../../common/http/field-rule.js';
import { normalizeKeyword } from '../catalogue/keyword-library.service.js';

/*
 * `POST planner/keywords/import_keywords/`: reading the multipart form and the CSV
 * rows. Matching rows to seeds and writing them is the keywords service's part.
 */

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 5000;
export const IMPORT_COLUMNS = {
  required: ['keyword'],
  optional: ['sector', 'volume_override', 'difficulty_override'],
};

export interface ImportForm {
  file: Buffer;
  siteId: number;
  sectorId: number | null;
}

/** A form field holding an id: absent/empty → undefined, digits → the number, else 400 on the field. */
function formId(fields: Record<string, string>, name: string, errors: FieldErrors): number | undefined {
  const raw = fields[name]?.trim() ?? '';
  if (raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    errors[name] = ['A valid integer is required.'];
    return undefined;
  }
  return value;
}

/**
 * The form: `file` (at most 5 MB: 413 `payload_too_large`), `site_id` (required) and `sector_id`.
 * A body that is not multipart → 415 (or 400 on `file` when there is no body at all).
 */
export async function readImportForm(request: FastifyRequest): Promise<ImportForm> {
  if (!request.isMultipart()) {
    const hasBody =
      request.headers['content-type'] !== undefined || Number(request.headers['content-length']) > 0;
    if (hasBody)
      throw new ApiError('unsupported_media_type', 'Unsupported media type: send multipart/form-data.');
    throw ApiError.validation({ file: [NO_FILE_MESSAGE], site_id: [REQUIRED] });
  }
  const fields: Record<string, string> = {};
  let file: Buffer | undefined;
  for await (const part of request.parts({ limits: { fileSize: IMPORT_MAX_BYTES } })) {
    if (part.type === 'file') {
      const bytes = await part.toBuffer();
      if (part.fieldname === 'file') file = bytes;
    } else if (typeof part.value === 'string') {
      fields[part.fieldname] = part.value;
    }
  }
  const errors: FieldErrors = {};
  const siteId = formId(fields, 'site_id', errors);
  const sectorId = formId(fields, 'sector_id', errors);
  if (siteId === undefined && !errors.site_id) errors.site_id = [REQUIRED];
  if (!file) errors.file = [NO_FILE_MESSAGE];
  if (Object.keys(errors).length > 0) throw ApiError.validation(errors);
  return { file: file!, siteId: siteId!, sectorId: sectorId ?? null };
}

export interface ImportRow {
  row: number;
  /** Lowercased, trimmed, whitespace collapsed: compared with `lower(seed.keyword)`. */
  key: string;
  keyword: string;
  sector: string;
  volume_override: number | null;
  difficulty_override: number | null;
}

export interface ImportRowError {
  row: number;
  error: string;
}

/** Reads and validates the file; rows with a bad cell become errors (`column: message`). */
export function parseImportFile(file: Buffer): { rows: ImportRow[]; errors: ImportRowError[] } {
  const table = readCsvUpload(file, { ...IMPORT_COLUMNS, maxRows: IMPORT_MAX_ROWS });
  const rows: ImportRow[] = [];
  const errors: ImportRowError[] = [];
  for (const { row, values, problem } of table.rows) {
    if (problem) {
      errors.push({ row, error: problem });
      continue;
    }
    let error: string | null = null;
    const reportOn =
      (column: string): Report =>
      (message) =>
        (error ??= `${column}: ${message}`);
    const keyword = cell.text(values.keyword ?? '', reportOn('keyword'), { max: 255 });
    const optionalInt = (column: string, max: number) =>
      (values[column] ?? '').trim() === ''
        ? null
        : (cell.integer(values[column] ?? '', reportOn(column), { fallback: 0, min: 0, max }) ?? null);
    const volume = optionalInt('volume_override', INT32_MAX);
    const difficulty = optionalInt('difficulty_override', 100);
    if (error !== null || keyword === undefined) {
      errors.push({ row, error: error ?? 'keyword: This field may not be blank.' });
      continue;
    }
    const text = normalizeKeyword(keyword);
    rows.push({
      row,
      key: text.toLowerCase(),
      keyword: text,
      sector: (values.sector ?? '').trim(),
      volume_override: volume,
      difficulty_override: difficulty,
    });
  }
  return { rows, errors };
}
