import { Controller, Get, Patch } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../common/auth/auth.decorators.js';
import { TenantContext } from '../../../common/context/tenant-context.service.js';
import { BodyAs } from '../../../common/http/validation.pipe.js';
import { ApiData } from '../../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../../common/throttling/throttle.decorator.js';
import { type AiSettingsLevelView, AiSettingsService } from './ai-settings.service.js';
import { AccountAiSettingsDto, UpdateAiSettingsDto } from './dto/ai-settings.dto.js';
import { type AiSettingsValues, type EffectiveAiSettingsView, presentEffective } from './presenters.js';

interface AccountAiSettingsView {
  account: AiSettingsValues;
  effective: EffectiveAiSettingsView;
}

function present({ values, effective }: AiSettingsLevelView): AccountAiSettingsView {
  return { account: values, effective: presentEffective(effective) };
}

/** `system/settings/ai/`: the caller's account-level AI settings. */
@ApiTags('system')
@Controller('api/v1/system/settings/ai')
@UseThrottler('system')
export class AiSettingsController {
  constructor(
    private readonly settings: AiSettingsService,
    private readonly context: TenantContext,
  ) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: "The account's AI settings and the values in effect" })
  @ApiData(AccountAiSettingsDto)
  async get(): Promise<AccountAiSettingsView> {
    return present(await this.settings.view(this.accountId(), null));
  }

  @Patch()
  @Roles('admin')
  @ApiOperation({
    summary: "Change the account's AI settings",
    description: 'Any subset; `null` clears a value so the system default applies again.',
  })
  @ApiBody({ type: UpdateAiSettingsDto })
  @ApiData(AccountAiSettingsDto)
  async update(@BodyAs(UpdateAiSettingsDto) body: UpdateAiSettingsDto): Promise<AccountAiSettingsView> {
    return present(await this.settings.update(this.accountId(), null, body));
  }

  private accountId(): number {
    return this.context.requirePrincipal().accountId;
  }
}
