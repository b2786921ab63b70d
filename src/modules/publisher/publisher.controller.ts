import { applyDecorators, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAllowed, Roles } from '../../common/auth/auth.decorators.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiData, ApiErrorResponse } from '../../common/openapi/api-responses.decorator.js';
import { resourceController } from '../../common/tenancy/resource-controller.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import {
  DeploymentRecordDto,
  PublishingRecordDto,
  PublishManyDto,
  PublishManyResultDto,
  PublishOptionsDto,
  PublishResultDto,
  ScheduleDto,
  UnpublishDto,
  WordPressStatusDto,
} from './dto/publisher.dto.js';
import { PublisherService } from './publisher.service.js';
import {
  DEPLOYMENTS_LIST,
  DeploymentsResource,
  PUBLISHING_RECORDS_LIST,
  PublishingRecordsResource,
} from './records.resource.js';

/*
 * `publisher/` and the publishing actions of `writer/content/:id/` (throttles content_read /
 * content_write). Reads viewer or the site API key; actions editor or the site API key.
 */

const READ_ONLY = ['trash', 'restore', 'purge', 'bulkDelete', 'filterOptions', 'remove'] as const;

function recordsController(path: string, name: string) {
  return resourceController(
    {
      path: `api/v1/publisher/${path}`,
      name,
      tag: 'publisher',
      model: PublishingRecordDto,
      list: PUBLISHING_RECORDS_LIST,
      roles: { read: 'viewer', write: 'editor', trash: 'admin' },
      apiKey: { read: true },
      throttle: { read: 'content_read', write: 'content_write' },
      without: [...READ_ONLY],
    },
    PublishingRecordsResource,
  );
}

export const PublishingRecordsController = recordsController('publishing-records', 'PublishingRecords');
export const RecordsAliasController = recordsController('records', 'RecordsAlias');

export const DeploymentsController = resourceController(
  {
    path: 'api/v1/publisher/deployments',
    name: 'Deployments',
    tag: 'publisher',
    model: DeploymentRecordDto,
    list: DEPLOYMENTS_LIST,
    roles: { read: 'viewer', write: 'editor', trash: 'admin' },
    apiKey: { read: true },
    throttle: { read: 'content_read', write: 'content_write' },
    without: [...READ_ONLY],
  },
  DeploymentsResource,
);

const reads = applyDecorators(Roles('viewer'), ApiKeyAllowed(), UseThrottler('content_read'));
const writes = applyDecorators(
  Roles('editor'),
  ApiKeyAllowed(),
  UseThrottler('content_write'),
  HttpCode(200),
);

@ApiTags('publisher')
@Controller('api/v1/publisher')
export class PublisherController {
  constructor(private readonly publisher: PublisherService) {}

  @Post('publish')
  @writes
  @ApiOperation({ summary: 'Publish up to 20 content items; per-item failures are in results' })
  @ApiBody({ type: PublishManyDto })
  @ApiData(PublishManyResultDto)
  publish(@BodyAs(PublishManyDto) body: PublishManyDto) {
    return this.publisher.publishMany(body.content_ids, { status: body.status });
  }

  @Post('unpublish')
  @writes
  @ApiOperation({ summary: 'Trash the remote post and unpublish the content' })
  @ApiBody({ type: UnpublishDto })
  @ApiData(PublishResultDto)
  unpublish(@BodyAs(UnpublishDto) body: UnpublishDto) {
    return this.publisher.unpublish(body.content_id);
  }
}

@ApiTags('writer')
@Controller('api/v1/writer/content')
export class ContentPublishingController {
  constructor(private readonly publisher: PublisherService) {}

  @Post(':id/publish')
  @writes
  @ApiOperation({ summary: 'Publish (or republish) to WordPress' })
  @ApiBody({ type: PublishOptionsDto })
  @ApiData(PublishResultDto)
  @ApiErrorResponse(
    502,
    'WordPress failed (`publish_failed`, details: publishing_record_id, http_status, reason, error)',
  )
  publish(@Param('id', IdPipe) id: number, @BodyAs(PublishOptionsDto) body: PublishOptionsDto) {
    return this.publisher.publish(id, { status: body.status });
  }

  @Post(':id/unpublish')
  @writes
  @ApiOperation({ summary: 'Trash the remote post and unpublish the content' })
  @ApiData(PublishResultDto)
  unpublish(@Param('id', IdPipe) id: number) {
    return this.publisher.unpublish(id);
  }

  @Post(':id/schedule')
  @writes
  @ApiOperation({ summary: 'Schedule approved content for a future time' })
  @ApiBody({ type: ScheduleDto })
  schedule(@Param('id', IdPipe) id: number, @BodyAs(ScheduleDto) body: ScheduleDto) {
    return this.publisher.schedule(id, new Date(body.scheduled_publish_at));
  }

  @Post(':id/unschedule')
  @writes
  @ApiOperation({ summary: 'Take scheduled content back to not_published' })
  unschedule(@Param('id', IdPipe) id: number) {
    return this.publisher.unschedule(id);
  }

  @Get(':id/wordpress_status')
  @reads
  @ApiOperation({ summary: 'The remote post status, read live from WordPress and applied' })
  @ApiData(WordPressStatusDto)
  wordpressStatus(@Param('id', IdPipe) id: number) {
    return this.publisher.wordpressStatus(id);
  }
}
