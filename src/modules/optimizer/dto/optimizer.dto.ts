import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Choice, Pk } from '../../../common/http/fields.js';
import {
  ENTRY_POINTS,
  type EntryPoint,
  OPTIMIZATION_STATUSES,
} from '../entities/optimization-task.entity.js';

export class AnalyzeContentDto {
  @Pk({ required: true }, { description: 'A content item of the caller (400 on this field otherwise).' })
  content_id: number;
}

export class StartOptimizationDto {
  @Pk({ required: true }, { description: 'A content item with an HTML body (400 on this field otherwise).' })
  content_id: number;

  @Choice(ENTRY_POINTS, {}, { description: 'Where the request came from.', default: 'igny8' })
  entry_point?: EntryPoint;
}

export class OptimizationScoresDto {
  @ApiProperty({ minimum: 0, maximum: 100, description: 'Rounded mean of the four scores below.' })
  overall: number;
  @ApiProperty({
    minimum: 0,
    maximum: 100,
    description:
      'Keyword placement (title, meta title, meta description, first paragraph, a subheading: half), meta title and description lengths (15 % each), internal and external links (20 %).',
  })
  seo: number;
  @ApiProperty({
    minimum: 0,
    maximum: 100,
    description:
      'Sentence length (60 %: average at most 20 words, few over 30) and paragraph length (40 %: average at most 100 words, few over 150).',
  })
  readability: number;
  @ApiProperty({
    minimum: 0,
    maximum: 100,
    description: 'Primary-keyword density: 100 within 0.5–2.5 % of the words, less below and above.',
  })
  keyword_usage: number;
  @ApiProperty({
    minimum: 0,
    maximum: 100,
    description:
      'Heading hierarchy (half: subheadings present, no <h1> in the body, no skipped level, no section over 350 words), images with alt text (quarter), lists (quarter).',
  })
  structure: number;
}

export class AnalysisDto {
  @ApiProperty({ format: 'int64' }) content_id: number;
  @ApiProperty({ type: OptimizationScoresDto }) scores: OptimizationScoresDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Each criterion with its score (0–100) and measurements: `keyword_placement` {in_title, in_meta_title, in_meta_description, in_first_paragraph, in_subheading}, `keyword_density` {density (percent), occurrences, word_count}, `meta_title` {length}, `meta_description` {length}, `headings` {h1, h2, h3, skipped_levels, long_sections}, `readability` {sentences, average_sentence_words, long_sentences, paragraphs, average_paragraph_words, long_paragraphs}, `links` {internal, external}, `images` {total, with_alt}, `lists` {count}.',
  })
  criteria: Record<string, unknown>;
}

export class OptimizationJobDto {
  @ApiProperty({ format: 'int64' }) id: number;
  @ApiProperty({ format: 'int64' }) site_id: number;
  @ApiProperty({ format: 'int64' }) sector_id: number;
  @ApiProperty({ format: 'int64' }) content_id: number;
  @ApiProperty({ enum: ENTRY_POINTS }) entry_point: string;
  @ApiProperty({ enum: OPTIMIZATION_STATUSES }) status: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) task_id: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Scores before (empty until the job runs).',
  })
  scores_before: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Scores after (empty until the job completes).',
  })
  scores_after: Record<string, number>;
  @ApiProperty() credits_used: number;
  @ApiProperty({ type: String, nullable: true }) error_message: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class OptimizationJobDetailDto extends OptimizationJobDto {
  @ApiPropertyOptional({ description: 'The body before the job.' }) html_before: string;
  @ApiPropertyOptional({ description: 'The body the job saved.' }) html_after: string;
}

export class StartedOptimizationDto {
  @ApiProperty({ format: 'uuid' }) task_id: string;
  @ApiProperty({ format: 'int64' }) job_id: number;
}
