import { applyDecorators, Controller, Get, HttpCode, Post, Query, Req, StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiQuery,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Roles } from '../../common/auth/auth.decorators.js';
import { readUploadedFile } from '../../common/csv/upload.js';
import { ApiError } from '../../common/http/error-codes.js';
import type { RawQuery } from '../../common/list/index.js';
import { queryValue } from '../../common/list/list-query.js';
import { ApiData, ErrorEnvelope } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import {
  type Catalogue,
  CatalogueCsvService,
  SEED_KEYWORD_EXPORT_LIST,
} from '../catalogue/csv/catalogue-csv.service.js';
import type { ImportCounts } from '../catalogue/csv/csv-import.engine.js';

export class CsvImportResultDto implements ImportCounts {
  @ApiProperty({ description: 'Rows that created a new record.' }) created: number;
  @ApiProperty({ description: 'Rows that changed an existing record (matched by its natural key).' })
  updated: number;
  @ApiProperty({ description: 'Rows that matched an existing record without any difference.' })
  unchanged: number;
}

const IMPORT_RULES =
  'Multipart field `file` (CSV, UTF-8 with or without BOM, at most 10 MB and 50,000 data rows). The header row ' +
  'is required and must name exactly the columns listed (any order). Every row is validated like a create; ' +
  'any invalid row fails the whole file with 400 `validation_error`: `errors.file` counts the invalid rows and ' +
  '`details.rows` lists `{row, errors}` (the header is row 1; at most 1,000 rows are listed). Nothing is written ' +
  'then, nor with `?dry_run=true`, which answers the counts the import would give. A leading apostrophe before ' +
  '`=`, `+`, `-`, `@`, a tab or a carriage return is removed (the formula guard of the exports). A body that is ' +
  'not multipart → 415.';

const EXPORT_RULES =
  'Cells starting with `=`, `+`, `-`, `@`, a tab or a carriage return are written with a leading apostrophe ' +
  '(formula-injection guard); importing the file removes it again.';

const SEED_KEYWORD_IMPORT_COLUMNS =
  'keyword, industry (name or slug), sector (name or slug, within the industry), volume, difficulty, country, ' +
  'is_active, and optionally intent (empty or absent: new seeds get `informational`, existing ones keep theirs)';

function CsvImport(summary: string, columns: string) {
  return applyDecorators(
    HttpCode(200),
    ApiOperation({ summary, description: `Columns: ${columns}. ${IMPORT_RULES}` }),
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary', description: 'The CSV file.' } },
      },
    }),
    ApiQuery({
      name: 'dry_run',
      required: false,
      schema: { type: 'string', enum: ['true', 'false', '1', '0'] },
      description: 'Validate and count without writing.',
    }),
    ApiData(CsvImportResultDto),
    ApiResponse({
      status: 413,
      description: 'File over 10 MB',
      schema: { $ref: getSchemaPath(ErrorEnvelope) },
    }),
    ApiResponse({
      status: 415,
      description: 'Body not multipart',
      schema: { $ref: getSchemaPath(ErrorEnvelope) },
    }),
  );
}

function CsvExport(summary: string, filename: string, columns: string) {
  return applyDecorators(
    ApiOperation({ summary, description: `Columns: ${columns}. ${EXPORT_RULES}` }),
    ApiProduces('text/csv'),
    ApiOkResponse({
      description: `The file \`${filename}\` (Content-Disposition: attachment).`,
      schema: { type: 'string', format: 'binary' },
    }),
  );
}

function csvFile(text: string, filename: string): StreamableFile {
  return new StreamableFile(Buffer.from(text, 'utf8'), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${filename}"`,
  });
}

function parseDryRun(raw: RawQuery): boolean {
  const text = queryValue(raw, 'dry_run')?.toLowerCase() ?? '';
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  throw ApiError.field('dry_run', 'Must be a valid boolean.');
}

/**
 * Developer-only CSV import/export of industries, industry sectors and seed keywords
 * (docs/api-conventions.md#csv-import-and-export).
 */
@ApiTags('admin')
@Roles('dev')
@UseThrottler('system_admin')
@Controller('api/v1')
export class CatalogueCsvController {
  constructor(private readonly csv: CatalogueCsvService) {}

  private async import(
    catalogue: Catalogue,
    request: FastifyRequest,
    query: RawQuery,
  ): Promise<ImportCounts> {
    const dryRun = parseDryRun(query);
    return this.csv.import(catalogue, await readUploadedFile(request, 'file'), dryRun);
  }

  @Get('admin/industries/export_csv')
  @CsvExport('Export industries as CSV', 'industries.csv', 'name, slug, description, is_active, sort_order')
  async exportIndustries(): Promise<StreamableFile> {
    return csvFile(await this.csv.exportIndustries(), 'industries.csv');
  }

  @Post('admin/industries/import_csv')
  @CsvImport('Import industries from CSV (upsert by slug)', 'name, slug, description, is_active, sort_order')
  importIndustries(@Req() request: FastifyRequest, @Query() query: RawQuery): Promise<ImportCounts> {
    return this.import('industries', request, query);
  }

  @Get('admin/industry-sectors/export_csv')
  @CsvExport(
    'Export industry sectors as CSV',
    'industry-sectors.csv',
    'industry_slug, name, slug, description, is_active',
  )
  async exportIndustrySectors(): Promise<StreamableFile> {
    return csvFile(await this.csv.exportIndustrySectors(), 'industry-sectors.csv');
  }

  @Post('admin/industry-sectors/import_csv')
  @CsvImport(
    'Import industry sectors from CSV (upsert by slug within the industry)',
    'industry_slug, name, slug, description, is_active',
  )
  importIndustrySectors(@Req() request: FastifyRequest, @Query() query: RawQuery): Promise<ImportCounts> {
    return this.import('industry-sectors', request, query);
  }

  @Get('admin/seed-keywords/export_csv')
  @CsvExport(
    'Export seed keywords as CSV (filters of the keyword library; inactive seeds included)',
    'seed-keywords.csv',
    'keyword, industry (slug), sector (slug), volume, difficulty, country, is_active, intent',
  )
  @ApiExportFilters()
  async exportSeedKeywords(@Query() query: RawQuery): Promise<StreamableFile> {
    return csvFile(await this.csv.exportSeedKeywords(query), 'seed-keywords.csv');
  }

  @Post('admin/seed-keywords/import_csv')
  @CsvImport(
    'Import seed keywords from CSV (upsert by keyword, sector and country)',
    SEED_KEYWORD_IMPORT_COLUMNS,
  )
  importSeedKeywords(@Req() request: FastifyRequest, @Query() query: RawQuery): Promise<ImportCounts> {
    return this.import('seed-keywords', request, query);
  }

  @Post('auth/keywords-library/import_csv')
  @ApiTags('auth')
  @CsvImport(
    'Import seed keywords from CSV (alias of admin/seed-keywords/import_csv/)',
    SEED_KEYWORD_IMPORT_COLUMNS,
  )
  importKeywordLibrary(@Req() request: FastifyRequest, @Query() query: RawQuery): Promise<ImportCounts> {
    return this.import('seed-keywords', request, query);
  }
}

function ApiExportFilters() {
  return applyDecorators(
    ...Object.keys(SEED_KEYWORD_EXPORT_LIST.filters).map((name) =>
      ApiQuery({ name, required: false, type: 'string' }),
    ),
    ApiQuery({ name: 'search', required: false, type: 'string', description: 'Substring of the keyword.' }),
    ApiQuery({
      name: 'ordering',
      required: false,
      type: 'string',
      description: 'keyword, volume or difficulty, `-` for descending (default `-volume`).',
    }),
  );
}
