import { applyDecorators, Controller, Get, HttpCode, Post, Query, Req, StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeyAllowed, Roles } from '../../common/auth/auth.decorators.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiListQuery, type RawQuery } from '../../common/list/index.js';
import { ApiData, ErrorEnvelope } from '../../common/openapi/api-responses.decorator.js';
import { type ResourceRoutes, resourceController } from '../../common/tenancy/resource-controller.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { CLUSTERS_LIST, ClustersService } from './clusters.service.js';
import { UpdatedCountDto } from './dto/common.dto.js';
import { ClusterBulkUpdateDto, ClusterDto, CreateClusterDto, UpdateClusterDto } from './dto/clusters.dto.js';
import {
  CreateIdeaDto,
  IdeaBulkUpdateDto,
  IdeaDto,
  QueueIdeasDto,
  QueueResultDto,
  UpdateIdeaDto,
} from './dto/ideas.dto.js';
import {
  AddToWorkflowDto,
  BulkAddFromSeedDto,
  CreateKeywordDto,
  ImportResultDto,
  KeywordBulkUpdateDto,
  KeywordDto,
  SeedAddResultDto,
  UpdateKeywordDto,
} from './dto/keywords.dto.js';
import { IDEAS_LIST, IdeasService } from './ideas.service.js';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from './keyword-import.js';
import { KEYWORDS_LIST, KeywordsService } from './keywords.service.js';
import { KEYWORD_SCHEMA } from './presenters.js';

/*
 * `planner/` (without the AI actions): reads viewer + API key, writes and actions editor + API key,
 * trash/restore/purge admin; throttle `planner` throughout.
 */

const PLANNER_ACCESS: Pick<ResourceRoutes, 'tag' | 'roles' | 'apiKey' | 'throttle'> = {
  tag: 'planner',
  roles: { read: 'viewer', write: 'editor', trash: 'admin' },
  apiKey: { read: true, write: true },
  throttle: { read: 'planner', write: 'planner' },
};

export const KeywordsController = resourceController(
  {
    ...PLANNER_ACCESS,
    path: 'api/v1/planner/keywords',
    name: 'Keywords',
    model: KeywordDto,
    list: KEYWORDS_LIST,
    listRow: KEYWORD_SCHEMA,
    createDto: CreateKeywordDto,
    updateDto: UpdateKeywordDto,
  },
  KeywordsService,
);

export const ClustersController = resourceController(
  {
    ...PLANNER_ACCESS,
    path: 'api/v1/planner/clusters',
    name: 'Clusters',
    model: ClusterDto,
    list: CLUSTERS_LIST,
    createDto: CreateClusterDto,
    updateDto: UpdateClusterDto,
  },
  ClustersService,
);

export const IdeasController = resourceController(
  {
    ...PLANNER_ACCESS,
    path: 'api/v1/planner/ideas',
    name: 'Ideas',
    model: IdeaDto,
    list: IDEAS_LIST,
    createDto: CreateIdeaDto,
    updateDto: UpdateIdeaDto,
  },
  IdeasService,
);

const Write = () => applyDecorators(Roles('editor'), ApiKeyAllowed());

const BulkUpdate = (dto: new () => unknown, fields: string) =>
  applyDecorators(
    HttpCode(200),
    Write(),
    ApiOperation({ summary: `Set ${fields} on several rows (ids not visible are ignored)` }),
    ApiBody({ type: dto }),
    ApiData(UpdatedCountDto),
  );

const errorResponse = (status: number, description: string) =>
  ApiResponse({ status, description, schema: { $ref: getSchemaPath(ErrorEnvelope) } });

/** The keyword actions beyond the generated routes. */
@ApiTags('planner')
@Controller('api/v1/planner/keywords')
@UseThrottler('planner')
export class KeywordActionsController {
  constructor(private readonly keywords: KeywordsService) {}

  @Post(['bulk_update', 'bulk_status'])
  @BulkUpdate(KeywordBulkUpdateDto, '`status` and/or `disabled`')
  bulkUpdate(@BodyAs(KeywordBulkUpdateDto) body: KeywordBulkUpdateDto) {
    return this.keywords.bulkUpdate(body);
  }

  @Post('bulk_add_from_seed')
  @Write()
  @ApiOperation({
    summary: 'Add seed keywords to one sector',
    description:
      'Skipped seeds are reported with a reason (`already_exists`, `seed_mismatch`, `inactive`, `not_found`). ' +
      'When the new keywords would exceed `max_keywords`, nothing is created (403 `plan_limit_reached`).',
  })
  @ApiBody({ type: BulkAddFromSeedDto })
  @ApiData(SeedAddResultDto, { status: 201, description: 'Created (also when nothing was)' })
  bulkAddFromSeed(@BodyAs(BulkAddFromSeedDto) body: BulkAddFromSeedDto) {
    return this.keywords.bulkAddFromSeed(body);
  }

  @Post('add_to_workflow')
  @Write()
  @ApiOperation({
    summary: "Add seed keywords, each to the site's sector built from its sector template",
    description: 'As `bulk_add_from_seed`; a seed without such a sector is skipped as `no_matching_sector`.',
  })
  @ApiBody({ type: AddToWorkflowDto })
  @ApiData(SeedAddResultDto, { status: 201, description: 'Created (also when nothing was)' })
  addToWorkflow(@BodyAs(AddToWorkflowDto) body: AddToWorkflowDto) {
    return this.keywords.addToWorkflow(body);
  }

  @Post('import_keywords')
  @Write()
  @ApiOperation({
    summary: 'Import keywords from a CSV file',
    description:
      `Multipart: \`file\` (CSV, UTF-8 with optional BOM, header required, at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB ` +
      `and ${IMPORT_MAX_ROWS} data rows; columns \`keyword\` and optionally \`sector\` (name or slug), ` +
      '`volume_override`, `difficulty_override`), `site_id`, optional `sector_id`. Each row is matched ' +
      "(case-insensitively) to an active seed of the site's industry in `sector_id`, else the row's sector, " +
      'else the only sector of the site with such a seed. Rows not created are reported in `errors` ' +
      '(`row` 2 is the first data row), duplicates included. `max_keywords` refuses the whole file (403).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'site_id'],
      properties: {
        file: { type: 'string', format: 'binary' },
        site_id: { type: 'integer' },
        sector_id: { type: 'integer' },
      },
    },
  })
  @ApiData(ImportResultDto, { status: 201, description: 'Imported (also when nothing was)' })
  @errorResponse(413, 'File over 5 MB')
  @errorResponse(415, 'Body not multipart')
  importKeywords(@Req() request: FastifyRequest) {
    return this.keywords.importKeywords(request);
  }

  @Get('export')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: 'Export keywords as CSV (at most 10,000 rows)',
    description:
      'The list filters, search and ordering apply. Columns: id, keyword, volume, difficulty, intent, country, ' +
      'status, cluster, sector, disabled, created_at. Cells starting with `=`, `+`, `-`, `@`, a tab or a carriage ' +
      'return get a leading apostrophe (formula-injection guard).',
  })
  @ApiListQuery(KEYWORDS_LIST)
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The file `keywords.csv`.', schema: { type: 'string', format: 'binary' } })
  async export(@Query() query: RawQuery): Promise<StreamableFile> {
    return new StreamableFile(Buffer.from(await this.keywords.export(query), 'utf8'), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="keywords.csv"',
    });
  }
}

@ApiTags('planner')
@Controller('api/v1/planner/clusters')
@UseThrottler('planner')
export class ClusterActionsController {
  constructor(private readonly clusters: ClustersService) {}

  @Post('bulk_update')
  @BulkUpdate(ClusterBulkUpdateDto, '`status` and/or `disabled`')
  bulkUpdate(@BodyAs(ClusterBulkUpdateDto) body: ClusterBulkUpdateDto) {
    return this.clusters.bulkUpdate(body);
  }
}

@ApiTags('planner')
@Controller('api/v1/planner/ideas')
@UseThrottler('planner')
export class IdeaActionsController {
  constructor(private readonly ideas: IdeasService) {}

  @Post('bulk_update')
  @BulkUpdate(IdeaBulkUpdateDto, '`status`, `disabled` and/or `is_priority`')
  bulkUpdate(@BodyAs(IdeaBulkUpdateDto) body: IdeaBulkUpdateDto) {
    return this.ideas.bulkUpdate(body);
  }

  @Post('bulk_queue_to_writer')
  @Write()
  @ApiOperation({
    summary: 'Create a writer task from each idea',
    description:
      'Ideas that are not `new`, are disabled or have no (live) cluster are skipped with that reason; ' +
      'the others become `queued`, in the same transaction as their tasks.',
  })
  @ApiBody({ type: QueueIdeasDto })
  @ApiData(QueueResultDto, { status: 201, description: 'Queued (also when nothing was)' })
  queue(@BodyAs(QueueIdeasDto) body: QueueIdeasDto) {
    return this.ideas.queueToWriter(body.ids);
  }
}
