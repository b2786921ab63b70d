import {
  applyDecorators,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  type Type,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { ThrottleScope } from '../../config/config.schema.js';
import { ApiKeyAllowed, Roles } from '../../common/auth/auth.decorators.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiListQuery, type ListSpec, type RawQuery } from '../../common/list/index.js';
import { ApiData, ApiPaginated } from '../../common/openapi/api-responses.decorator.js';
import {
  resourceController,
  type ResourceRoutes,
  type ResourceService,
} from '../../common/tenancy/resource-controller.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { UpdatedCountDto } from '../planner/dto/common.dto.js';
import { BulkUpdateResultDto } from './dto/common.dto.js';
import {
  ContentBulkUpdateDto,
  ContentDto,
  ContentValidationDto,
  CreateContentDto,
  UpdateContentDto,
} from './dto/content.dto.js';
import {
  ContentImagesDto,
  CreateImageDto,
  ImageBulkUpdateDto,
  ImageDto,
  UpdateImageDto,
} from './dto/image.dto.js';
import { CreateTaskDto, TaskBulkUpdateDto, TaskDto, UpdateTaskDto } from './dto/task.dto.js';
import { CreateTaxonomyDto, TaxonomyDto, UpdateTaxonomyDto } from './dto/taxonomy.dto.js';
import { CONTENT_LIST, ContentService } from './content.service.js';
import { EtagInterceptor } from '../../common/http/etag.interceptor.js';
import { CONTENT_IMAGES_LIST, IMAGES_LIST, ImagesService } from './images.service.js';
import { TASKS_LIST, TasksService } from './tasks.service.js';
import { TAXONOMIES_LIST, TaxonomiesService } from './taxonomies.service.js';

/*
 * `writer/` without the AI actions and the publishing actions (not built yet). Reads:
 * viewer + key; writes and actions: editor + key; trash/restore/purge: admin. Throttles: tasks,
 * images and taxonomies `writer`; content `content_read` (GET) / `content_write` (others).
 */

const ROLES = { read: 'viewer', write: 'editor', trash: 'admin' } as const;
const API_KEY = { read: true, write: true };

/**
 * The generated CRUD controller of `writer/<resource>/`, recording the request origin for
 * `image_url`. `trash/` is a GET: it takes the read throttle (GET on `writer/content/…` is
 * `content_read`).
 */
function writerController(
  resource: string,
  name: string,
  service: Type<ResourceService<unknown>>,
  list: ListSpec,
  [model, createDto, updateDto]: [Type<unknown>, Type<unknown>, Type<unknown>],
  extra: Partial<Pick<ResourceRoutes, 'throttle' | 'without'>> = {},
) {
  const throttle = extra.throttle ?? { read: 'writer', write: 'writer' };
  const controller = resourceController(
    {
      path: `api/v1/writer/${resource}`,
      name,
      tag: 'writer',
      model,
      list,
      createDto,
      updateDto,
      roles: ROLES,
      apiKey: API_KEY,
      throttle,
      without: extra.without,
    },
    service,
  );
  const prototype = controller.prototype as object;
  const trash = Object.getOwnPropertyDescriptor(prototype, 'trash');
  if (trash) UseThrottler(throttle.read)(prototype, 'trash', trash);
  return controller;
}

export const TasksController = writerController('tasks', 'Tasks', TasksService, TASKS_LIST, [
  TaskDto,
  CreateTaskDto,
  UpdateTaskDto,
]);

export const ContentController = writerController(
  'content',
  'Content',
  ContentService,
  CONTENT_LIST,
  [ContentDto, CreateContentDto, UpdateContentDto],
  { throttle: { read: 'content_read', write: 'content_write' } },
);
// Content detail answers carry an ETag; If-None-Match with it answers 304 (pollers such as the plugin).
const contentPrototype = ContentController.prototype as object;
const contentDetail = Object.getOwnPropertyDescriptor(contentPrototype, 'get');
if (contentDetail) UseInterceptors(EtagInterceptor)(contentPrototype, 'get', contentDetail);

export const ImagesController = writerController('images', 'Images', ImagesService, IMAGES_LIST, [
  ImageDto,
  CreateImageDto,
  UpdateImageDto,
]);

/** Taxonomies have no filter_options. */
export const TaxonomiesController = writerController(
  'taxonomies',
  'Taxonomies',
  TaxonomiesService,
  TAXONOMIES_LIST,
  [TaxonomyDto, CreateTaxonomyDto, UpdateTaxonomyDto],
  { without: ['filterOptions'] },
);

const reads = (scope: ThrottleScope) =>
  applyDecorators(Roles('viewer'), ApiKeyAllowed(), UseThrottler(scope));
const writes = (scope: ThrottleScope) =>
  applyDecorators(Roles('editor'), ApiKeyAllowed(), UseThrottler(scope), HttpCode(200));

@ApiTags('writer')
@Controller('api/v1/writer/tasks')
export class TaskActionsController {
  constructor(private readonly tasks: TasksService) {}

  @Post('bulk_update')
  @writes('writer')
  @ApiOperation({ summary: 'Re-queue several tasks (failed/completed → queued); others are skipped' })
  @ApiBody({ type: TaskBulkUpdateDto })
  @ApiData(BulkUpdateResultDto)
  bulkUpdate(@BodyAs(TaskBulkUpdateDto) body: TaskBulkUpdateDto) {
    return this.tasks.bulkUpdate(body.ids, body.status);
  }
}

@ApiTags('writer')
@Controller('api/v1/writer/content')
export class ContentActionsController {
  constructor(private readonly content: ContentService) {}

  @Post('bulk_update')
  @writes('content_write')
  @ApiOperation({ summary: 'Change the status of several content rows; disallowed transitions are skipped' })
  @ApiBody({ type: ContentBulkUpdateDto })
  @ApiData(BulkUpdateResultDto)
  bulkUpdate(@BodyAs(ContentBulkUpdateDto) body: ContentBulkUpdateDto) {
    return this.content.bulkUpdate(body.ids, body.status);
  }

  @Get(':id/validation')
  @reads('content_read')
  @ApiOperation({ summary: 'Editorial checks (errors block nothing; publishing does not require them)' })
  @ApiData(ContentValidationDto)
  validation(@Param('id', IdPipe) id: number) {
    return this.content.validation(id);
  }
}

@ApiTags('writer')
@Controller('api/v1/writer/images')
export class ImageActionsController {
  constructor(private readonly images: ImagesService) {}

  @Get('content_images')
  @reads('writer')
  @ApiOperation({ summary: 'Images grouped by content (content without images is omitted)' })
  @ApiListQuery(CONTENT_IMAGES_LIST)
  @ApiPaginated(ContentImagesDto)
  contentImages(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.images.contentImages(query, request);
  }

  @Post('bulk_update')
  @writes('writer')
  @ApiOperation({ summary: 'Ask for new images: generated/failed → pending (by ids or for one content)' })
  @ApiBody({ type: ImageBulkUpdateDto })
  @ApiData(UpdatedCountDto)
  bulkUpdate(@BodyAs(ImageBulkUpdateDto) body: ImageBulkUpdateDto) {
    return this.images.bulkUpdate(body);
  }

  @Get(':id/file')
  @reads('writer')
  @ApiOperation({ summary: 'The image file (the same file as the public `image_url`); 404 when none exists' })
  @ApiProduces('image/webp')
  @ApiOkResponse({
    description: 'The file (`image/webp`, inline).',
    schema: { type: 'string', format: 'binary' },
  })
  file(@Param('id', IdPipe) id: number) {
    return this.images.file(id);
  }
}
