import { Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAllowed, Roles } from '../../common/auth/auth.decorators.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiData } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { ResetSiteSettingsDto, SiteSettingsDto, UpdateSiteSettingsDto } from './dto/site-settings.dto.js';
import { type SiteSettingsView, SiteSettingsService } from './site-settings.service.js';

/** `system/sites/{id}/settings/`: one site's AI, automation and publishing settings. */
@ApiTags('system')
@Controller('api/v1/system/sites')
@UseThrottler('system')
export class SiteSettingsController {
  constructor(private readonly settings: SiteSettingsService) {}

  @Get(':id/settings')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: "The site's AI, automation and publishing settings",
    description: 'The automation config and publishing settings are created with the defaults on first use.',
  })
  @ApiData(SiteSettingsDto)
  get(@Param('id', IdPipe) id: number): Promise<SiteSettingsView> {
    return this.settings.get(id);
  }

  @Patch(':id/settings')
  @Roles('editor')
  @ApiOperation({
    summary: "Change the site's settings",
    description:
      'Any subset of the sections, each with any subset of its fields. Everything is validated first ' +
      '(errors are keyed `<section>.<field>`) and applied in one transaction.',
  })
  @ApiBody({ type: UpdateSiteSettingsDto })
  @ApiData(SiteSettingsDto)
  update(
    @Param('id', IdPipe) id: number,
    @BodyAs(UpdateSiteSettingsDto) body: UpdateSiteSettingsDto,
  ): Promise<SiteSettingsView> {
    return this.settings.update(id, body);
  }

  @Post(':id/settings/reset')
  @HttpCode(200)
  @Roles('editor')
  @ApiOperation({
    summary: "Reset the site's settings to the defaults",
    description:
      'AI: the site overrides are removed (the account values apply); automation: DefaultAutomationConfig ' +
      'is copied; publishing: the defaults.',
  })
  @ApiBody({ type: ResetSiteSettingsDto })
  @ApiData(SiteSettingsDto)
  reset(
    @Param('id', IdPipe) id: number,
    @BodyAs(ResetSiteSettingsDto) body: ResetSiteSettingsDto,
  ): Promise<SiteSettingsView> {
    return this.settings.reset(id, body.sections);
  }
}
