import { ApiProperty } from '@nestjs/swagger';
import { Bool } from '../../../common/http/fields.js';

/** ModuleEnableSettings of the caller's account. */
export class ModuleSettingsDto {
  @ApiProperty({ description: 'The Linker module (`linker/…`) is available.' })
  linker_enabled: boolean;
  @ApiProperty({ description: 'The Optimizer module (`optimizer/…`) is available.' })
  optimizer_enabled: boolean;
  @ApiProperty({ format: 'date-time' })
  updated_at: string;
}

/** PATCH: any subset of the flags. */
export class PatchModuleSettingsDto {
  @Bool({}, { description: 'Switch the Linker module on or off.' })
  linker_enabled?: boolean;
  @Bool({}, { description: 'Switch the Optimizer module on or off.' })
  optimizer_enabled?: boolean;
}

/** PUT: both flags. */
export class PutModuleSettingsDto {
  @Bool({ required: true }, { description: 'Switch the Linker module on or off.' })
  linker_enabled: boolean;
  @Bool({ required: true }, { description: 'Switch the Optimizer module on or off.' })
  optimizer_enabled: boolean;
}
