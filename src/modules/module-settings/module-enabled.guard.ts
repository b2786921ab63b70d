import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiErrorResponse } from '../../common/openapi/api-responses.decorator.js';
import type { SwitchableModule } from './entities/module-enable-settings.entity.js';
import { MODULE_LABELS, moduleDisabled, ModuleSettingsService } from './module-settings.service.js';

const REQUIRED_MODULE = 'igny8:required-module';

/**
 * Refuses a route of a switchable module when the module is off for the caller's account (403
 * `module_disabled`). Runs after authentication and the role check (global guards run first).
 */
@Injectable()
export class ModuleEnabledGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: TenantContext,
    private readonly settings: ModuleSettingsService,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const module = this.reflector.getAllAndOverride<SwitchableModule | undefined>(REQUIRED_MODULE, [
      execution.getHandler(),
      execution.getClass(),
    ]);
    if (!module) return true;
    const { accountId } = this.context.requirePrincipal();
    if (!(await this.settings.isEnabled(accountId, module))) throw moduleDisabled(module);
    return true;
  }
}

/**
 * Marks a controller or route as part of a switchable module (docs/module-settings.md): when the module is
 * off for the caller's account the route answers 403 `module_disabled`.
 */
export const RequireModule = (module: SwitchableModule) =>
  applyDecorators(
    SetMetadata(REQUIRED_MODULE, module),
    UseGuards(ModuleEnabledGuard),
    ApiErrorResponse(
      403,
      `The ${MODULE_LABELS[module]} module is off for the account (\`module_disabled\`), or the role is too low`,
    ),
  );
