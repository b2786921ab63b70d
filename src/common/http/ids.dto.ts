import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Min } from 'class-validator';

/** `{"ids": [int, …]}` (1–500) of bulk actions, purge included. */
export class IdsDto {
  @ApiProperty({ type: [Number], minItems: 1, maxItems: 500, example: [1, 2, 3] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsInt({ each: true })
  @Min(1, { each: true })
  ids: number[];
}

export class DeletedCountDto {
  @ApiProperty() deleted_count: number;
}

export class PurgeResultDto {
  @ApiProperty() purged_count: number;
  @ApiProperty({ type: [Number] }) not_found_ids: number[];
}
