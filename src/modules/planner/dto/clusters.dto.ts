import { ApiProperty } from '@nestjs/swagger';
import { Bool, Choice, Pk, Text } from '../../../common/http/fields.js';
import { CLUSTER_STATUSES, type ClusterStatus } from '../entities/cluster.entity.js';
import { BulkIdsDto, SiteSectorRowDto } from './common.dto.js';

/* Request bodies and response schema of `planner/clusters/`. */

class ClusterValuesDto {
  @Text() description?: string;
  @Choice(CLUSTER_STATUSES, {}, { default: 'new' }) status?: ClusterStatus;
  @Bool({}, { default: false }) disabled?: boolean;
}

export class CreateClusterDto extends ClusterValuesDto {
  @Pk({ required: true }) site_id: number;
  @Pk({ required: true }, { description: 'A sector of the site.' }) sector_id: number;

  @Text(
    { required: true, max: 255, blank: false },
    { description: 'Unique in the sector, case-insensitively.' },
  )
  name: string;
}

/** PUT needs `name` (checked by the service); PATCH takes any subset. */
export class UpdateClusterDto extends ClusterValuesDto {
  @Text({ max: 255, blank: false }, { description: 'Required for PUT.' }) name?: string;
}

export class ClusterBulkUpdateDto extends BulkIdsDto {
  @Choice(CLUSTER_STATUSES) status?: ClusterStatus;
  @Bool() disabled?: boolean;
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
