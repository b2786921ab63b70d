import { ApiProperty } from '@nestjs/swagger';
import { field, Text } from '../../../common/http/fields.js';

/** Largest setting value accepted, in bytes of its JSON text. */
export const SETTING_VALUE_MAX_BYTES = 65_536;

export const SETTING_KEY = /^[a-z0-9_.-]{1,100}$/;

/** Any JSON value except null, whose JSON text is at most `SETTING_VALUE_MAX_BYTES` bytes. */
const SettingValue = () =>
  field(
    'setting_value',
    (value) =>
      Buffer.byteLength(JSON.stringify(value), 'utf8') > SETTING_VALUE_MAX_BYTES
        ? `Ensure this value has no more than ${SETTING_VALUE_MAX_BYTES} bytes as JSON.`
        : null,
    { required: true },
    {},
    { description: `Any JSON value but null; at most ${SETTING_VALUE_MAX_BYTES} bytes as JSON.` },
  );

export class PutSettingDto {
  @SettingValue() value: unknown;
}

export class PutSystemSettingDto extends PutSettingDto {
  @Text({ max: 10_000 }) description?: string;
}

export class SettingDto {
  @ApiProperty() key: string;
  @ApiProperty({ description: 'Any JSON value.', nullable: true }) value: unknown;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class SystemSettingDto extends SettingDto {
  @ApiProperty() description: string;
}

export class EffectiveSettingDto {
  @ApiProperty() key: string;
  @ApiProperty({ description: 'Any JSON value.', nullable: true }) value: unknown;
  @ApiProperty({ enum: ['user', 'account', 'system'] }) source: string;
}
