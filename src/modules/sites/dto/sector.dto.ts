import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Bool, Pk, Text } from '../../../common/http/fields.js';

/* Request bodies and response schema of `auth/sectors/` (api.md 9.2). */

export class UpdateSectorDto {
  @ApiPropertyOptional({ maxLength: 255, description: 'Defaults to the template name.' })
  @Text({ max: 255, blank: false })
  name?: string;

  @ApiPropertyOptional()
  @Text()
  description?: string;

  @ApiPropertyOptional({ default: true })
  @Bool()
  is_active?: boolean;
}

export class CreateSectorDto extends UpdateSectorDto {
  @ApiProperty({ description: 'A site the caller can see.' })
  @Pk({ required: true })
  site_id: number;

  @ApiProperty({ description: "A sector template (IndustrySector) of the site's industry." })
  @Pk({ required: true })
  industry_sector_id: number;
}

/** The [base], [tenant] and [soft] columns of a tenant row (domain.md 0.2). */
export class TenantSoftRowDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() account_id: number;
  @ApiProperty({ type: 'integer', nullable: true }) created_by: number | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) deleted_at: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) deleted_by: number | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) deleted_cascade_id: string | null;
}

export class SectorDto extends TenantSoftRowDto {
  @ApiProperty() site_id: number;
  @ApiProperty() industry_sector_id: number;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty() description: string;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ type: 'string', nullable: true }) industry_sector_name: string | null;
  @ApiProperty({ description: 'Live planner keywords of the sector.' }) keywords_count: number;
}
