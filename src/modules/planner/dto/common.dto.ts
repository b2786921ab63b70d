import { ApiProperty } from '@nestjs/swagger';
import { field, IdList, notAList } from '../../../common/http/fields.js';
import { TenantSoftRowDto } from '../../sites/dto/sector.dto.js';

/* Shared validators and schemas of the planner bodies. */

/** The schema of an idea outline, in requests and responses. */
export const OUTLINE_SCHEMA = {
  type: 'array',
  nullable: true,
  items: {
    type: 'object',
    properties: { heading: { type: 'string' }, points: { type: 'array', items: { type: 'string' } } },
  },
} as const;

/** An idea outline: `[{heading, points[]}]`, or null. */
export const Outline = () =>
  field(
    'outline',
    (value) => {
      if (!Array.isArray(value)) return notAList(value);
      const ok = (value as unknown[]).every((section) => {
        if (typeof section !== 'object' || section === null || Array.isArray(section)) return false;
        const { heading, points } = section as Record<string, unknown>;
        return (
          typeof heading === 'string' &&
          Array.isArray(points) &&
          (points as unknown[]).every((point) => typeof point === 'string')
        );
      });
      return ok ? null : 'Each section must be an object {"heading": string, "points": [string]}.';
    },
    { nullable: true },
    OUTLINE_SCHEMA,
  );

/** The [site-sector] columns of a planner/writer row. */
export class SiteSectorRowDto extends TenantSoftRowDto {
  @ApiProperty() site_id: number;
  @ApiProperty() sector_id: number;
}

export class UpdatedCountDto {
  @ApiProperty() updated_count: number;
}

export class BulkIdsDto {
  @IdList({ min: 1, max: 500, required: true }) ids: number[];
}
