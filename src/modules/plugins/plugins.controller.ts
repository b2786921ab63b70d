import { Controller, Get, Header, HttpCode, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyAllowed, OptionalAuth, Roles, SkipAccountGate } from '../../common/auth/auth.decorators.js';
import { Public } from '../../common/auth/public.decorator.js';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import type { RawQuery } from '../../common/list/index.js';
import { ApiData } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import {
  CheckUpdateDto,
  HealthCheckDto,
  HealthCheckResultDto,
  PluginInfoDto,
  PluginInstallationDto,
  RegisterInstallationDto,
  UpdateCheckDto,
} from './dto/plugins.dto.js';
import { PluginsService } from './plugins.service.js';

const VERSION = /^\d{1,5}\.\d{1,5}\.\d{1,5}$/;

/** `/api/plugins/igny8-wp-bridge/…`: distribution of the WordPress bridge plugin (docs/wordpress-plugin.md). */
@ApiTags('plugins')
@Controller('api/plugins/igny8-wp-bridge')
@UseThrottler('integration')
export class PluginsController {
  constructor(
    private readonly plugins: PluginsService,
    private readonly context: TenantContext,
  ) {}

  @Get('download')
  @OptionalAuth()
  @ApiKeyAllowed()
  @SkipAccountGate()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Download the plugin zip',
    description:
      'The released zip (the latest unless `version` names another). `X-Checksum-SHA256` carries its ' +
      'SHA-256; each download is recorded (with the site when a site API key is sent).',
  })
  @ApiQuery({ name: 'version', required: false, example: '1.0.0' })
  @ApiProduces('application/zip')
  @ApiResponse({ status: 200, description: 'The zip file' })
  async download(
    @Query() query: RawQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const version = query.version;
    if (version !== undefined && (typeof version !== 'string' || !VERSION.test(version))) {
      throw ApiError.field('version', 'Enter a version like 1.2.3.');
    }
    const file = await this.plugins.download(version, {
      ip: request.ip ?? null,
      userAgent: request.headers['user-agent'] ?? '',
      principal: this.context.principal,
    });
    void reply.header('X-Checksum-SHA256', file.checksum);
    void reply.header('X-Plugin-Version', file.version);
    return new StreamableFile(file.stream, {
      type: 'application/zip',
      disposition: `attachment; filename="${file.fileName}"`,
      length: file.size,
    });
  }

  @Post('check-update')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Is a newer plugin version released?',
    description: 'Compares `current_version` with the latest released version.',
  })
  @ApiBody({ type: CheckUpdateDto })
  @ApiData(UpdateCheckDto)
  checkUpdate(@BodyAs(CheckUpdateDto) body: CheckUpdateDto, @Req() request: FastifyRequest) {
    return this.plugins.checkUpdate(body, `${request.protocol}://${request.host}`);
  }

  @Get('info')
  @Public()
  @ApiOperation({ summary: 'The plugin and its latest release' })
  @ApiData(PluginInfoDto)
  info() {
    return this.plugins.info();
  }

  @Post('register')
  @HttpCode(200)
  @Roles('editor')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: 'Register the plugin installed on a site (site API key only)',
    description: 'Creates or updates the PluginInstallation of the key’s site.',
  })
  @ApiBody({ type: RegisterInstallationDto })
  @ApiData(PluginInstallationDto)
  register(@BodyAs(RegisterInstallationDto) body: RegisterInstallationDto) {
    return this.plugins.register(body);
  }

  @Post('health-check')
  @HttpCode(200)
  @Roles('editor')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: 'Report the installed plugin’s health (site API key only)',
    description: '404 when the plugin has not registered for the key’s site.',
  })
  @ApiBody({ type: HealthCheckDto })
  @ApiData(HealthCheckResultDto)
  healthCheck(@BodyAs(HealthCheckDto) body: HealthCheckDto) {
    return this.plugins.healthCheck(body);
  }
}
