import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAllowed, Roles } from '../../../common/auth/auth.decorators.js';
import { BodyAs } from '../../../common/http/validation.pipe.js';
import { ApiData } from '../../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../../common/throttling/throttle.decorator.js';
import { IntegrationsService } from '../integrations.service.js';
import { SiteKeyIdentityDto, siteKeyIdentity } from './site-key-identity.js';
import {
  MetadataWebhookDto,
  MetadataWebhookResultDto,
  StatusWebhookDto,
  StatusWebhookResultDto,
} from './wordpress-webhooks.dto.js';
import { WordPressWebhooksService } from './wordpress-webhooks.service.js';

/** `integration/webhooks/wordpress/…`: what the bridge plugin reports (site API key only). */
@ApiTags('integration')
@Controller('api/v1/integration/webhooks/wordpress')
@UseThrottler('integration')
export class WordPressWebhooksController {
  constructor(private readonly webhooks: WordPressWebhooksService) {}

  @Post('status')
  @HttpCode(200)
  @Roles('editor')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: 'A post of IGNY8 content changed status in WordPress (site API key only)',
    description:
      'The content (by `content_id`, else by `post_id`, within the key’s site; 404 otherwise) gets the ' +
      'remote status mapping. An event older than the last sync is ignored (`updated: false`).',
  })
  @ApiBody({ type: StatusWebhookDto })
  @ApiData(StatusWebhookResultDto)
  status(@BodyAs(StatusWebhookDto) body: StatusWebhookDto) {
    return this.webhooks.status(body);
  }

  @Post('metadata')
  @HttpCode(200)
  @Roles('editor')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: 'A post of IGNY8 content was edited in WordPress (site API key only)',
    description: 'Each field present overwrites the content’s; term names go to `external_metadata.terms`.',
  })
  @ApiBody({ type: MetadataWebhookDto })
  @ApiData(MetadataWebhookResultDto)
  metadata(@BodyAs(MetadataWebhookDto) body: MetadataWebhookDto) {
    return this.webhooks.metadata(body);
  }
}

/** `integration/whoami/`: the plugin checks which site and account its key belongs to. */
@ApiTags('integration')
@Controller('api/v1/integration/whoami')
@UseThrottler('integration')
export class SiteKeyIdentityController {
  constructor(
    private readonly webhooks: WordPressWebhooksService,
    private readonly integrations: IntegrationsService,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: 'The site and account of a site API key (site API key only)',
    description: 'With the site’s WordPress integration, if any. A user token is refused (403).',
  })
  @ApiData(SiteKeyIdentityDto)
  whoami(): Promise<SiteKeyIdentityDto> {
    return siteKeyIdentity(this.dataSource.manager, this.integrations, this.webhooks.keySite());
  }
}
