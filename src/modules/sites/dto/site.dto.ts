import { ApiProperty } from '@nestjs/swagger';
import { Bool, Choice, HttpUrl, Pk, StringList, Text } from '../../../common/http/fields.js';
import {
  HOSTING_TYPES,
  type HostingType,
  PLATFORM_TYPES,
  type PlatformType,
  SITE_TYPES,
  type SiteType,
} from '../../identity/entities/site.entity.js';
import { SectorDto, TenantSoftRowDto } from './sector.dto.js';

/* Request bodies and response schemas of `auth/sites/`. */

/** Writable fields of a site; create requires `name`, PUT too, PATCH nothing. */
class SiteFieldsDto {
  @HttpUrl({ max: 500, nullable: true }, { example: 'https://example.com' }) domain?: string | null;
  @Text() description?: string;

  @Pk({ nullable: true }, { description: 'An active industry; fixed once the site has sectors.' })
  industry_id?: number | null;

  @Choice(SITE_TYPES, {}, { default: 'blog' }) site_type?: SiteType;
  @Choice(HOSTING_TYPES, {}, { default: 'wordpress' }) hosting_type?: HostingType;
  @Choice(PLATFORM_TYPES, {}, { default: 'wordpress' }) platform_type?: PlatformType;
  @Bool({}, { default: true }) is_active?: boolean;
}

export class CreateSiteDto extends SiteFieldsDto {
  @Text({ required: true, max: 255, blank: false }, { example: 'My Blog' }) name: string;
}

/** PUT needs `name` (checked by the service); PATCH takes any subset. */
export class UpdateSiteDto extends SiteFieldsDto {
  @Text({ max: 255, blank: false }, { description: 'Required for PUT.' }) name?: string;
}

export class SelectSectorsDto {
  @Text(
    { required: true, max: 255, blank: false },
    {
      example: 'technology',
      description: 'An active industry; must be the site industry once it has sectors.',
    },
  )
  industry_slug: string;

  @StringList(
    { required: true, min: 1, max: 5, itemMax: 255, unique: true },
    { example: ['cloud-computing'] },
  )
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
