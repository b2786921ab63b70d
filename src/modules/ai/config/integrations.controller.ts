import { applyDecorators, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../common/auth/auth.decorators.js';
import { IdPipe } from '../../../common/http/id.pipe.js';
import { BodyAs } from '../../../common/http/validation.pipe.js';
import { ApiData } from '../../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../../common/throttling/throttle.decorator.js';
import {
  GlobalIntegrationDto,
  IntegrationProviderDto,
  UpdateGlobalIntegrationDto,
  UpdateIntegrationProviderDto,
} from './dto/integration.dto.js';
import { IntegrationsService } from './integrations.service.js';

const DevRead = () => applyDecorators(Roles('dev'), UseThrottler('system'));
const DevWrite = () => applyDecorators(Roles('dev'), UseThrottler('system_admin'));

/** `system/integration-providers/`: provider credentials (developers; secrets write-only). */
@ApiTags('system')
@Controller('api/v1/system/integration-providers')
export class IntegrationProvidersController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Get()
  @DevRead()
  @ApiOperation({ summary: 'Integration providers (developers; not paginated)' })
  @ApiData(IntegrationProviderDto, { isArray: true })
  list() {
    return this.integrations.listProviders();
  }

  @Get(':id')
  @DevRead()
  @ApiOperation({ summary: 'One integration provider (developers)' })
  @ApiData(IntegrationProviderDto)
  get(@Param('id', IdPipe) id: number) {
    return this.integrations.getProvider(id);
  }

  @Patch(':id')
  @DevWrite()
  @ApiOperation({ summary: 'Change a provider; secrets are write-only (developers)' })
  @ApiBody({ type: UpdateIntegrationProviderDto })
  @ApiData(IntegrationProviderDto)
  update(
    @Param('id', IdPipe) id: number,
    @BodyAs(UpdateIntegrationProviderDto) body: UpdateIntegrationProviderDto,
  ) {
    return this.integrations.updateProvider(id, body);
  }
}

/** `system/settings/global-integration/`: the global integration settings (developers). */
@ApiTags('system')
@Controller('api/v1/system/settings/global-integration')
export class GlobalIntegrationController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Get()
  @DevRead()
  @ApiOperation({ summary: 'Global integration settings; keys as `<name>_configured` flags (developers)' })
  @ApiData(GlobalIntegrationDto)
  get() {
    return this.integrations.getGlobal();
  }

  @Patch()
  @DevWrite()
  @ApiOperation({ summary: 'Change the global integration settings; keys are write-only (developers)' })
  @ApiBody({ type: UpdateGlobalIntegrationDto })
  @ApiData(GlobalIntegrationDto)
  update(@BodyAs(UpdateGlobalIntegrationDto) body: UpdateGlobalIntegrationDto) {
    return this.integrations.updateGlobal(body);
  }
}
