import { ApiProperty } from '@nestjs/swagger';
import { Choice, field, IdList, Pk } from '../../../common/http/fields.js';
import {
  DEPLOYMENT_STATUSES,
  DEPLOYMENT_TYPES,
  type DeploymentStatus,
  type DeploymentType,
} from '../entities/deployment-record.entity.js';
import {
  DESTINATIONS,
  PUBLISH_TRIGGERS,
  PUBLISHING_RECORD_STATUSES,
  type Destination,
  type PublishingRecordStatus,
  type PublishTrigger,
} from '../entities/publishing-record.entity.js';

/* Request bodies and response schemas of `publisher/` and the publishing actions of `writer/content/`. */

const POST_STATUSES = ['publish', 'draft'] as const;

export class PublishOptionsDto {
  @Choice(POST_STATUSES, {}, { description: "Default: the site's default_post_status." })
  status?: 'publish' | 'draft';
}

export class PublishManyDto extends PublishOptionsDto {
  @IdList({ required: true, min: 1, max: 20 }) content_ids: number[];
  @Choice(['wordpress']) destination?: 'wordpress';
}

export class UnpublishDto {
  @Pk({ required: true }) content_id: number;
}

/** An ISO date-time string. */
const DateTime = () =>
  field(
    'date_time',
    (value) =>
      typeof value === 'string' && value.length <= 64 && !Number.isNaN(Date.parse(value))
        ? null
        : 'Enter a valid date-time (ISO 8601).',
    { required: true },
    { type: 'string', format: 'date-time' },
  );

export class ScheduleDto {
  @DateTime() scheduled_publish_at: string;
}

export class PublishingRecordDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() account_id: number;
  @ApiProperty({ type: 'integer', nullable: true }) created_by: number | null;
  @ApiProperty() site_id: number;
  @ApiProperty() content_id: number;
  @ApiProperty({ enum: DESTINATIONS }) destination: Destination;
  @ApiProperty({ type: 'string', nullable: true }) external_id: string | null;
  @ApiProperty({ type: 'string', nullable: true }) external_url: string | null;
  @ApiProperty({ enum: PUBLISHING_RECORD_STATUSES }) status: PublishingRecordStatus;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) published_at: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) retracted_at: string | null;
  @ApiProperty({ type: 'string', nullable: true }) error_message: string | null;
  @ApiProperty({ enum: PUBLISH_TRIGGERS }) trigger: PublishTrigger;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
}

export class DeploymentRecordDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() account_id: number;
  @ApiProperty({ type: 'integer', nullable: true }) created_by: number | null;
  @ApiProperty() site_id: number;
  @ApiProperty({ enum: DEPLOYMENT_TYPES }) deployment_type: DeploymentType;
  @ApiProperty({ enum: DEPLOYMENT_STATUSES }) status: DeploymentStatus;
  @ApiProperty() items_deployed: number;
  @ApiProperty() items_failed: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) started_at: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) completed_at: string | null;
  @ApiProperty() error_log: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
}

export class PublishResultDto {
  @ApiProperty({ type: 'object', additionalProperties: true }) content: Record<string, unknown>;
  @ApiProperty({ type: PublishingRecordDto, nullable: true }) publishing_record: PublishingRecordDto | null;
}

export class PublishItemResultDto {
  @ApiProperty() content_id: number;
  @ApiProperty() success: boolean;
  @ApiProperty({ type: 'string', nullable: true }) external_id: string | null;
  @ApiProperty({ type: 'string', nullable: true }) external_url: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) publishing_record_id: number | null;
  @ApiProperty({ type: 'string', nullable: true }) error: string | null;
}

export class PublishManyResultDto {
  @ApiProperty({ type: [PublishItemResultDto] }) results: PublishItemResultDto[];
  @ApiProperty() published_count: number;
  @ApiProperty() failed_count: number;
  @ApiProperty({ type: 'integer', nullable: true }) deployment_id: number | null;
}

export class WordPressStatusDto {
  @ApiProperty() content_id: number;
  @ApiProperty({ type: 'string', nullable: true }) external_id: string | null;
  @ApiProperty() post_status: string;
  @ApiProperty({ type: 'string', nullable: true }) post_url: string | null;
  @ApiProperty({ type: 'string', nullable: true }) modified_at: string | null;
  @ApiProperty() site_status: string;
  @ApiProperty() in_sync: boolean;
}
