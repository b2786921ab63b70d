import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiKeyAllowed, Roles } from '../../common/auth/auth.decorators.js';
import { Public } from '../../common/auth/public.decorator.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { ApiData } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { AppConfig } from '../../config/app-config.js';
import { SiteStatusService, type SiteStatusView } from './site-status.service.js';

class SystemStatusDto {
  @ApiProperty({ enum: ['operational'] }) status: string;
  @ApiProperty() version: string;
  @ApiProperty({ format: 'date-time' }) time: string;
}

class SiteApiKeyStatusDto {
  @ApiProperty() configured: boolean;
  @ApiProperty({ type: String, nullable: true }) last4: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_used_at: string | null;
}

class SiteCountsDto {
  @ApiProperty() keywords: number;
  @ApiProperty() clusters: number;
  @ApiProperty() ideas: number;
  @ApiProperty() tasks: number;
  @ApiProperty() content: number;
  @ApiProperty() published: number;
}

class SiteAutomationStatusDto {
  @ApiProperty() is_enabled: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) current_run_id: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_run_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) next_run_at: string | null;
}

class SiteStatusDto {
  @ApiProperty() site_id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) domain: string | null;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ type: SiteApiKeyStatusDto }) api_key: SiteApiKeyStatusDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'The site integration (id, platform, auth_mode, connection_status, sync_status, last_sync_at), or null.',
  })
  integration: Record<string, unknown> | null;
  @ApiProperty({ type: SiteCountsDto }) counts: SiteCountsDto;
  @ApiProperty({ type: SiteAutomationStatusDto }) automation: SiteAutomationStatusDto;
}

/** `system/status/` and `system/sites/{id}/status/`. */
@ApiTags('system')
@Controller('api/v1/system')
@UseThrottler('system')
export class StatusController {
  constructor(
    private readonly config: AppConfig,
    private readonly sites: SiteStatusService,
  ) {}

  @Get('status')
  @Public()
  @ApiOperation({ summary: 'Service status, version and server time' })
  @ApiData(SystemStatusDto)
  status(): { status: 'operational'; version: string; time: string } {
    return { status: 'operational', version: this.config.version, time: new Date().toISOString() };
  }

  @Get('sites/:id/status')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: 'A site at a glance: API key, integration, counts and automation',
    description:
      '`integration` is the active integration of the site (null without one); `automation.current_run_id` the run in progress (running or paused), else null.',
  })
  @ApiData(SiteStatusDto)
  siteStatus(@Param('id', IdPipe) id: number): Promise<SiteStatusView> {
    return this.sites.status(id);
  }
}
