import { ApiProperty } from '@nestjs/swagger';
import { TenantSoftRowDto } from '../../sites/dto/sector.dto.js';
import { Choice, Pk, Text } from '../../../common/http/fields.js';
import { SYNC_STATUSES, type SyncStatus } from '../../planner/entities/content-kinds.js';
import { TAXONOMY_TYPES, type TaxonomyType } from '../entities/content-taxonomy.entity.js';

/* Request bodies and response schema of `writer/taxonomies/`. */

const SLUG = {
  regex: /^[-a-zA-Z0-9_]+$/,
  message: 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
};

class TaxonomyFieldsDto {
  @Text({ max: 255, pattern: SLUG }, { description: 'Slugified from the name when omitted or empty.' })
  slug?: string;

  @Text() description?: string;
}

export class CreateTaxonomyDto extends TaxonomyFieldsDto {
  @Pk({ required: true }, { description: 'A site the caller can see.' }) site_id: number;
  @Text({ required: true, max: 255, blank: false }) name: string;
  @Choice(TAXONOMY_TYPES, { required: true }) taxonomy_type: TaxonomyType;
  @Pk({ nullable: true }, { description: 'A sector of the site.' }) sector_id?: number | null;
}

/** PUT needs `name` (checked by the service); PATCH takes any subset. */
export class UpdateTaxonomyDto extends TaxonomyFieldsDto {
  @Text({ max: 255, blank: false }) name?: string;
}

export class TaxonomyDto extends TenantSoftRowDto {
  @ApiProperty() site_id: number;
  @ApiProperty({ type: 'integer', nullable: true }) sector_id: number | null;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ enum: TAXONOMY_TYPES }) taxonomy_type: TaxonomyType;
  @ApiProperty({ type: 'string', nullable: true }) external_taxonomy: string | null;
  @ApiProperty({ type: 'string', nullable: true }) external_id: string | null;
  @ApiProperty({ enum: SYNC_STATUSES }) sync_status: SyncStatus;
  @ApiProperty() description: string;
  @ApiProperty() count: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
}
