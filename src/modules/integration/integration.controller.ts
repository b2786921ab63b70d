import { applyDecorators, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAllowed, Roles } from '../../common/auth/auth.decorators.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { Accepted } from '../../common/http/responses.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiAccepted, ApiData, ApiErrorResponse } from '../../common/openapi/api-responses.decorator.js';
import { resourceController } from '../../common/tenancy/resource-controller.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import {
  ConnectionResultDto,
  CreateIntegrationDto,
  IntegrationDto,
  SiteStructureDto,
  SiteStructureResultDto,
  SyncEventDto,
  SyncRequestDto,
  SyncStatusDto,
  UpdateIntegrationDto,
} from './dto/integration.dto.js';
import { INTEGRATIONS_LIST, IntegrationsResource } from './integrations.resource.js';
import { SYNC_EVENTS_LIST, SyncEventsResource } from './sync-events.resource.js';

/*
 * `integration/` (throttle `integration`): reads viewer or the site's API key, writes editor or the
 * site's API key. Integrations are not soft-deletable (no trash routes; DELETE removes the row).
 */

const NOT_SOFT_DELETABLE = ['trash', 'restore', 'purge', 'bulkDelete', 'filterOptions'] as const;

export const IntegrationsController = resourceController(
  {
    path: 'api/v1/integration/integrations',
    name: 'Integrations',
    tag: 'integration',
    model: IntegrationDto,
    list: INTEGRATIONS_LIST,
    createDto: CreateIntegrationDto,
    updateDto: UpdateIntegrationDto,
    roles: { read: 'viewer', write: 'editor', trash: 'admin' },
    apiKey: { read: true, write: true },
    throttle: { read: 'integration', write: 'integration' },
    without: [...NOT_SOFT_DELETABLE],
  },
  IntegrationsResource,
);

export const SyncEventsController = resourceController(
  {
    path: 'api/v1/integration/sync-events',
    name: 'SyncEvents',
    tag: 'integration',
    model: SyncEventDto,
    list: SYNC_EVENTS_LIST,
    roles: { read: 'viewer', write: 'editor', trash: 'admin' },
    apiKey: { read: true },
    throttle: { read: 'integration', write: 'integration' },
    without: [...NOT_SOFT_DELETABLE, 'remove'],
  },
  SyncEventsResource,
);

const reads = applyDecorators(Roles('viewer'), ApiKeyAllowed(), UseThrottler('integration'));
const writes = applyDecorators(Roles('editor'), ApiKeyAllowed(), UseThrottler('integration'));

@ApiTags('integration')
@Controller('api/v1/integration/integrations')
export class IntegrationActionsController {
  constructor(private readonly integrations: IntegrationsResource) {}

  @Post(':id/test_connection')
  @HttpCode(200)
  @writes
  @ApiOperation({ summary: 'Test the connection to WordPress and record the outcome' })
  @ApiData(ConnectionResultDto)
  @ApiErrorResponse(400, 'WordPress could not be used (`connection_failed`, `details.reason`)')
  testConnection(@Param('id', IdPipe) id: number) {
    return this.integrations.testConnection(id);
  }

  @Post(':id/update_site_structure')
  @HttpCode(200)
  @writes
  @ApiOperation({ summary: 'Store the post types and taxonomies of the WordPress site' })
  @ApiBody({ type: SiteStructureDto })
  @ApiData(SiteStructureResultDto)
  updateSiteStructure(@Param('id', IdPipe) id: number, @BodyAs(SiteStructureDto) body: SiteStructureDto) {
    return this.integrations.updateSiteStructure(id, body);
  }

  @Get(':id/get_content_types')
  @reads
  @ApiOperation({ summary: 'The stored post types and taxonomies (`{}` before the first structure)' })
  getContentTypes(@Param('id', IdPipe) id: number) {
    return this.integrations.contentTypes(id);
  }

  @Post(':id/sync')
  @HttpCode(202)
  @writes
  @ApiOperation({ summary: 'Start a background sync (409 `invalid_state` while one runs)' })
  @ApiBody({ type: SyncRequestDto })
  @ApiAccepted()
  async sync(@Param('id', IdPipe) id: number, @BodyAs(SyncRequestDto) body: SyncRequestDto) {
    return new Accepted(await this.integrations.sync(id, body.direction));
  }

  @Get(':id/sync_status')
  @reads
  @ApiOperation({ summary: 'Sync and connection state with the latest 10 sync events' })
  @ApiData(SyncStatusDto)
  syncStatus(@Param('id', IdPipe) id: number) {
    return this.integrations.syncStatus(id);
  }
}
