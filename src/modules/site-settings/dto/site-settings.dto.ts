import { applyDecorators, type Type as Class } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { type ApiExtras, field } from '../../../common/http/fields.js';
import {
  AiSettingsValuesDto,
  EffectiveAiSettingsDto,
  UpdateAiSettingsDto,
} from '../../ai/config/dto/ai-settings.dto.js';
import {
  AutomationConfigDto,
  UpdateAutomationConfigDto,
} from '../../automation-config/dto/automation-config.dto.js';
import {
  PublishingSettingsDto,
  UpdatePublishingSettingsDto,
} from '../../publishing-settings/dto/publishing-settings.dto.js';

export const SITE_SETTINGS_SECTIONS = ['ai', 'automation', 'publishing'] as const;
export type SiteSettingsSection = (typeof SITE_SETTINGS_SECTIONS)[number];

const DICTIONARY = 'Invalid data. Expected a dictionary.';

/**
 * A section of the body: an object validated and whitelisted as `dto`, its errors keyed
 * `<section>.<field>`. ValidateNested refuses other values (null included) but walks arrays item by
 * item, so arrays are refused here.
 */
function Section(dto: Class<unknown>, api?: ApiExtras): PropertyDecorator {
  return applyDecorators(
    field(
      'section',
      (value) => (Array.isArray(value) ? DICTIONARY : null),
      { nullable: true },
      { type: dto },
      api,
    ),
    ValidateNested({ message: DICTIONARY }),
    Type(() => dto),
  );
}

const SectionList = (api: ApiExtras) =>
  field(
    'section_list',
    (value) => {
      if (!Array.isArray(value)) return `Expected a list of items but got type "${typeof value}".`;
      if (value.length === 0) return 'Ensure this field has at least 1 elements.';
      for (const item of value as unknown[]) {
        if (!SITE_SETTINGS_SECTIONS.includes(item as SiteSettingsSection)) {
          return `${JSON.stringify(item)} is not a valid choice.`;
        }
      }
      return null;
    },
    {},
    { enum: [...SITE_SETTINGS_SECTIONS], isArray: true, minItems: 1 },
    api,
  );

/** Any subset of the three sections; within a section, any subset of its fields. */
export class UpdateSiteSettingsDto {
  @Section(UpdateAiSettingsDto, {
    description:
      "The site's own AI values (as `system/settings/ai/`); null clears one, so the account value applies.",
  })
  ai?: UpdateAiSettingsDto;

  @Section(UpdateAutomationConfigDto, {
    description: 'As `automation/update_config/`; `next_run_at` is recomputed.',
  })
  automation?: UpdateAutomationConfigDto;

  @Section(UpdatePublishingSettingsDto) publishing?: UpdatePublishingSettingsDto;
}

export class ResetSiteSettingsDto {
  @SectionList({ description: 'The sections to reset (default: all three).' })
  sections?: SiteSettingsSection[];
}

export class SiteAiSettingsDto {
  @ApiProperty({ type: AiSettingsValuesDto, description: "The site's own values (null = inherited)." })
  site: AiSettingsValuesDto;
  @ApiProperty({ type: EffectiveAiSettingsDto, description: "What the site's AI calls use." })
  effective: EffectiveAiSettingsDto;
}

export class SiteSettingsDto {
  @ApiProperty() site_id: number;
  @ApiProperty({ type: SiteAiSettingsDto }) ai: SiteAiSettingsDto;
  @ApiProperty({ type: AutomationConfigDto }) automation: AutomationConfigDto;
  @ApiProperty({ type: PublishingSettingsDto }) publishing: PublishingSettingsDto;
}
