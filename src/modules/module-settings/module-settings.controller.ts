import { Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators.js';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiData } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import {
  ModuleSettingsDto,
  PatchModuleSettingsDto,
  PutModuleSettingsDto,
} from './dto/module-settings.dto.js';
import {
  type ModuleSettingsChanges,
  type ModuleSettingsView,
  ModuleSettingsService,
  presentModuleSettings,
} from './module-settings.service.js';

const WRITE_DESCRIPTION =
  'Owners and admins only. A module that is off answers 403 `module_disabled` on every one of its routes.';

/** `system/settings/modules/`: which switchable modules (linker, optimizer) the caller's account uses. */
@ApiTags('system')
@Controller('api/v1/system/settings/modules')
@UseThrottler('system')
export class ModuleSettingsController {
  constructor(
    private readonly settings: ModuleSettingsService,
    private readonly context: TenantContext,
  ) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({
    summary: "The account's module flags",
    description: 'Both modules are off for a new account.',
  })
  @ApiData(ModuleSettingsDto)
  async get(): Promise<ModuleSettingsView> {
    return presentModuleSettings(await this.settings.forAccount(this.accountId()));
  }

  @Put()
  @Roles('admin')
  @ApiOperation({ summary: "Set both of the account's module flags", description: WRITE_DESCRIPTION })
  @ApiBody({ type: PutModuleSettingsDto })
  @ApiData(ModuleSettingsDto)
  replace(@BodyAs(PutModuleSettingsDto) body: PutModuleSettingsDto): Promise<ModuleSettingsView> {
    return this.update(body);
  }

  @Patch()
  @Roles('admin')
  @ApiOperation({ summary: "Change some of the account's module flags", description: WRITE_DESCRIPTION })
  @ApiBody({ type: PatchModuleSettingsDto })
  @ApiData(ModuleSettingsDto)
  patch(@BodyAs(PatchModuleSettingsDto) body: PatchModuleSettingsDto): Promise<ModuleSettingsView> {
    return this.update(body);
  }

  private async update(changes: ModuleSettingsChanges): Promise<ModuleSettingsView> {
    return presentModuleSettings(await this.settings.update(this.accountId(), changes));
  }

  private accountId(): number {
    return this.context.requirePrincipal().accountId;
  }
}
