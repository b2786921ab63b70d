import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  HOSTING_TYPES,
  type HostingType,
  PLATFORM_TYPES,
  type PlatformType,
  SITE_TYPES,
  type SiteType,
} from '../../identity/entities/site.entity.js';
import { SectorDto, TenantSoftRowDto } from './sector.dto.js';
import { Bool, Choice, HttpUrl, Pk, StringList, Text } from '../../../common/http/fields.js';

/* Request bodies and response schemas of `auth/sites/` (api.md 9.2, 9.2.3). */

/** Writable fields of a site; create requires `name`, PUT too, PATCH nothing. */
class SiteFieldsDto {
  @ApiPropertyOptional({ type: 'string', maxLength: 500, nullable: true, example: 'https://example.com' })
  @HttpUrl({ max: 500, nullable: true })
  domain?: string | null;

  @ApiPropertyOptional()
  @Text()
  description?: string;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description: 'An active industry; fixed once the site has sectors.',
  })
  @Pk({ nullable: true })
  industry_id?: number | null;

  @ApiPropertyOptional({ enum: SITE_TYPES, default: 'blog' })
  @Choice(SITE_TYPES)
  site_type?: SiteType;

  @ApiPropertyOptional({ enum: HOSTING_TYPES, default: 'wordpress' })
  @Choice(HOSTING_TYPES)
  hosting_type?: HostingType;

  @ApiPropertyOptional({ enum: PLATFORM_TYPES, default: 'wordpress' })
  @Choice(PLATFORM_TYPES)
  platform_type?: PlatformType;

  @ApiPropertyOptional({ default: true })
  @Bool()
  is_active?: boolean;
}

export class CreateSiteDto extends SiteFieldsDto {
  @ApiProperty({ maxLength: 255, example: 'My Blog' })
  @Text({ required: true, max: 255, blank: false })
  name: string;
}

/** PUT needs `name` (checked by the service); PATCH takes any subset. */
export class UpdateSiteDto extends SiteFieldsDto {
  @ApiPropertyOptional({ maxLength: 255, description: 'Required for PUT.' })
  @Text({ max: 255, blank: false })
  name?: string;
}

export class SelectSectorsDto {
  @ApiProperty({
    example: 'technology',
    description: 'An active industry; must be the site industry once it has sectors.',
  })
  @Text({ required: true, max: 255, blank: false })
  industry_slug: string;

  @ApiProperty({ type: [String], minItems: 1, maxItems: 5, uniqueItems: true, example: ['cloud-computing'] })
  @StringList({ required: true, min: 1, max: 5, itemMax: 255, unique: true })
  sector_slugs: string[];
}

export class SiteDto extends TenantSoftRowDto {
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Globally unique; used by the public lookup.' }) slug: string;
  @ApiProperty({ type: 'string', nullable: true }) domain: string | null;
  @ApiProperty() description: string;
  @ApiProperty({ type: 'integer', nullable: true }) industry_id: number | null;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ enum: SITE_TYPES }) site_type: string;
  @ApiProperty({ enum: HOSTING_TYPES }) hosting_type: string;
  @ApiProperty({ enum: PLATFORM_TYPES }) platform_type: string;
  @ApiProperty({ type: 'string', nullable: true }) api_key_last4: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) api_key_created_at: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) api_key_last_used_at: string | null;
  @ApiProperty({ type: 'string', nullable: true }) industry_name: string | null;
  @ApiProperty({ type: 'string', nullable: true }) industry_slug: string | null;
  @ApiProperty() sectors_count: number;
  @ApiProperty() has_api_key: boolean;
  @ApiProperty({ description: "Whether this is the caller's active site." }) is_active_site: boolean;
}

export class CreatedSiteDto extends SiteDto {
  @ApiProperty({ description: 'The full API key, shown only in this response.', example: 'igny8_sk_…' })
  api_key: string;
}

export class PublicSiteDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ type: 'string', nullable: true }) domain: string | null;
}

export class SelectSectorsResultDto {
  @ApiProperty({ type: SiteDto }) site: SiteDto;
  @ApiProperty({ type: [SectorDto] }) sectors: SectorDto[];
}

export class RegeneratedKeyDto {
  @ApiProperty() site_id: number;
  @ApiProperty({ description: 'The full new key, shown only in this response.' }) api_key: string;
  @ApiProperty() api_key_last4: string;
  @ApiProperty({ format: 'date-time' }) api_key_created_at: string;
}
