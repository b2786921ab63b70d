import { ApiProperty } from '@nestjs/swagger';
import { fieldRule } from '../../../common/http/field-rule.js';
import { TenantSoftRowDto } from '../../sites/dto/sector.dto.js';

/*
 * Validators and shared schemas of the planner bodies. Like `sites/dto/fields.ts`: one message per
 * failure, absent passes unless required, `null` only where nullable; every decorator whitelists
 * its property.
 */

const notAList = (value: unknown) => `Expected a list of items but got type "${typeof value}".`;

function isPk(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** A list of `min`–`max` primary keys (existence and visibility are checked by the services). */
export const IdList = ({ min, max, required = true }: { min: number; max: number; required?: boolean }) =>
  fieldRule(
    'id_list',
    (value) => {
      if (!Array.isArray(value)) return notAList(value);
      if (value.length < min) return `Ensure this field has at least ${min} elements.`;
      if (value.length > max) return `Ensure this field has no more than ${max} elements.`;
      const bad: unknown = (value as unknown[]).find((item) => !isPk(item));
      if (bad !== undefined) {
        return `Incorrect type. Expected pk value, received ${typeof bad === 'string' ? 'str' : typeof bad}.`;
      }
      return null;
    },
    { required },
  );

/** Any JSON list (`attribute_values`). */
export const JsonList = () =>
  fieldRule('json_list', (value) => (Array.isArray(value) ? null : notAList(value)));

/** An idea outline: `[{heading, points[]}]`, or null. */
export const Outline = () =>
  fieldRule(
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
  @ApiProperty({ type: [Number], minItems: 1, maxItems: 500 })
  @IdList({ min: 1, max: 500 })
  ids: number[];
}
