import { ApiProperty } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import { assertRowSchemaOf, dtoJsonTypes, field, schemaJsonTypes } from './page-schema.js';

class PartDto {
  @ApiProperty() label: string;
}

class ThingDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) deleted_at: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) parent_id: number | null;
  @ApiProperty({ enum: ['new', 'old'] }) status: string;
  @ApiProperty({ type: 'string', nullable: true }) note: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: [Number] }) tag_ids: number[];
  @ApiProperty({ type: PartDto, nullable: true }) part: PartDto | null;
}

const THING_ROW = {
  id: field.integer,
  created_at: field.dateTime,
  deleted_at: field.dateTimeOrNull,
  parent_id: field.integerOrNull,
  status: field.string,
  note: field.stringOrNull,
  active: field.boolean,
  tag_ids: field.any,
  part: field.any,
};

describe('list row schemas and response DTOs', () => {
  it('reads the JSON type of every documented property, in order', () => {
    expect(Object.entries(dtoJsonTypes(ThingDto))).toEqual([
      ['id', 'number'],
      ['created_at', 'date-time'],
      ['deleted_at', 'date-time | null'],
      ['parent_id', 'number | null'],
      ['status', 'string'],
      ['note', 'string | null'],
      ['active', 'boolean'],
      ['tag_ids', 'any'],
      ['part', 'any'],
    ]);
    expect(schemaJsonTypes(THING_ROW)).toEqual(dtoJsonTypes(ThingDto));
  });

  it('accepts a row schema that types the fields as documented', () => {
    expect(() => assertRowSchemaOf(ThingDto, THING_ROW)).not.toThrow();
  });

  it('refuses a missing, an extra or a differently typed field', () => {
    const { note: _note, ...missing } = THING_ROW;
    expect(() => assertRowSchemaOf(ThingDto, missing)).toThrow(
      'The list row schema of ThingDto differs from it: note: documented string | null, written absent',
    );
    expect(() => assertRowSchemaOf(ThingDto, { ...THING_ROW, extra: field.string })).toThrow(
      'extra: documented absent, written string',
    );
    expect(() => assertRowSchemaOf(ThingDto, { ...THING_ROW, parent_id: field.integer })).toThrow(
      'parent_id: documented number | null, written number',
    );
    expect(() => assertRowSchemaOf(ThingDto, { ...THING_ROW, created_at: field.string })).toThrow(
      'created_at: documented date-time, written string',
    );
  });
});
