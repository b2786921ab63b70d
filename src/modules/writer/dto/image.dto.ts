import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, Min } from 'class-validator';
import { Choice, Int, Pk, Text } from '../../../common/http/fields.js';
import { CONTENT_STATUSES, type ContentStatus } from '../entities/content.entity.js';
import {
  IMAGE_CREATABLE_TYPES,
  IMAGE_QUALITY_TIERS,
  IMAGE_STATUSES,
  IMAGE_TYPES,
  type ImageQualityTier,
  type ImageStatus,
  type ImageType,
} from '../entities/image.entity.js';
import { SiteSectorRowDto } from '../../planner/dto/common.dto.js';

/* Request bodies and response schemas of `writer/images/` (api.md 9.5). */

/** In-article positions stay below the largest `max_images` (domain.md §3.4: 1–8). */
export const MAX_IMAGE_POSITION = 7;

class ImageTextDto {
  @ApiPropertyOptional()
  @Text()
  prompt?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @Text({ max: 255 })
  alt_text?: string;

  @ApiPropertyOptional()
  @Text()
  caption?: string;
}

export class CreateImageDto extends ImageTextDto {
  @ApiProperty({ description: 'A content the caller can see; the image takes its site and sector.' })
  @Pk({ required: true })
  content_id: number;

  @ApiProperty({ enum: IMAGE_CREATABLE_TYPES })
  @Choice(IMAGE_CREATABLE_TYPES, { required: true })
  image_type: (typeof IMAGE_CREATABLE_TYPES)[number];

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_IMAGE_POSITION, default: 0, description: 'Featured: 0.' })
  @Int({ min: 0, max: MAX_IMAGE_POSITION })
  position?: number;
}

export class UpdateImageDto extends ImageTextDto {
  @ApiPropertyOptional({
    enum: IMAGE_STATUSES,
    description: 'Clients may only set `pending`, from `generated` or `failed` (ask for a new image).',
  })
  @Choice(IMAGE_STATUSES)
  status?: ImageStatus;
}

/** `{ids? | content_id?, status: "pending"}`: the listed images, or every image of one content. */
export class ImageBulkUpdateDto {
  @ApiPropertyOptional({ type: [Number], minItems: 1, maxItems: 500 })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsInt({ each: true })
  @Min(1, { each: true })
  ids?: number[];

  @ApiPropertyOptional({ description: 'A content the caller can see.' })
  @Pk()
  content_id?: number;

  @ApiProperty({ enum: ['pending'] })
  @Choice(['pending'], { required: true })
  status: 'pending';
}

export class ImageDto extends SiteSectorRowDto {
  @ApiProperty({ type: 'integer', nullable: true }) content_id: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) task_id: number | null;
  @ApiProperty({ enum: IMAGE_TYPES }) image_type: ImageType;
  @ApiProperty() position: number;
  @ApiProperty() prompt: string;
  @ApiProperty() alt_text: string;
  @ApiProperty() caption: string;
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Absolute public URL (`/media/<image_path>`) when the file exists.',
  })
  image_url: string | null;
  @ApiProperty({ type: 'string', nullable: true }) image_path: string | null;
  @ApiProperty({ enum: IMAGE_STATUSES }) status: ImageStatus;
  @ApiProperty({ type: 'string', nullable: true }) model_used: string | null;
  @ApiProperty({ enum: IMAGE_QUALITY_TIERS, nullable: true }) quality_tier: ImageQualityTier | null;
  @ApiProperty({ type: 'integer', nullable: true }) width: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) height: number | null;
  @ApiProperty({ type: 'string', nullable: true }) error_message: string | null;
  @ApiProperty({ type: 'string', nullable: true }) content_title: string | null;
}

export class ContentImagesDto {
  @ApiProperty() content_id: number;
  @ApiProperty() content_title: string;
  @ApiProperty({ enum: CONTENT_STATUSES }) content_status: ContentStatus;
  @ApiProperty({ type: ImageDto, nullable: true }) featured_image: ImageDto | null;
  @ApiProperty({ type: [ImageDto] }) in_article_images: ImageDto[];
  @ApiProperty({ enum: ['pending', 'complete', 'failed', 'partial'] }) overall_status: string;
}
