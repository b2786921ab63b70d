import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Bool, Choice, Pk, Text } from '../../../common/http/fields.js';
import { CLUSTER_STATUSES, type ClusterStatus } from '../entities/cluster.entity.js';
import { BulkIdsDto, SiteSectorRowDto } from './common.dto.js';

/* Request bodies and response schema of `planner/clusters/` (api.md 9.4). */

class ClusterValuesDto {
  @ApiPropertyOptional() @Text() description?: string;
  @ApiPropertyOptional({ enum: CLUSTER_STATUSES, default: 'new' })
  @Choice(CLUSTER_STATUSES)
  status?: ClusterStatus;
  @ApiPropertyOptional({ default: false }) @Bool() disabled?: boolean;
}

export class CreateClusterDto extends ClusterValuesDto {
  @ApiProperty() @Pk({ required: true }) site_id: number;
  @ApiProperty({ description: 'A sector of the site.' }) @Pk({ required: true }) sector_id: number;
  @ApiProperty({ maxLength: 255, description: 'Unique in the sector, case-insensitively.' })
  @Text({ required: true, max: 255, blank: false })
  name: string;
}

/** PUT needs `name` (checked by the service); PATCH takes any subset. */
export class UpdateClusterDto extends ClusterValuesDto {
  @ApiPropertyOptional({ maxLength: 255, description: 'Required for PUT.' })
  @Text({ max: 255, blank: false })
  name?: string;
}

export class ClusterBulkUpdateDto extends BulkIdsDto {
  @ApiPropertyOptional({ enum: CLUSTER_STATUSES }) @Choice(CLUSTER_STATUSES) status?: ClusterStatus;
  @ApiPropertyOptional() @Bool() disabled?: boolean;
}

export class ClusterDto extends SiteSectorRowDto {
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'Maintained: live keywords in the cluster.' }) keywords_count: number;
  @ApiProperty({ description: "Maintained: those keywords' effective volume, summed." }) volume: number;
  @ApiProperty({ description: 'Maintained: live content in the cluster.' }) mapped_pages: number;
  @ApiProperty({ enum: CLUSTER_STATUSES }) status: string;
  @ApiProperty() disabled: boolean;
  @ApiProperty({ type: 'string', nullable: true }) sector_name: string | null;
  @ApiProperty({ description: 'Live ideas of the cluster.' }) ideas_count: number;
}
