import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeyAllowed, Roles } from '../../common/auth/auth.decorators.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { Accepted } from '../../common/http/responses.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { Idempotent } from '../../common/idempotency/idempotent.decorator.js';
import { ApiListQuery, type RawQuery } from '../../common/list/index.js';
import { requestOrigin } from '../../common/media/media.service.js';
import { ApiData, ApiPaginated } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { RequireModule } from '../module-settings/module-enabled.guard.js';
import {
  AnalysisDto,
  AnalyzeContentDto,
  OptimizationJobDetailDto,
  OptimizationJobDto,
  StartedOptimizationDto,
  StartOptimizationDto,
} from './dto/optimizer.dto.js';
import { JOBS_LIST, OptimizerService } from './optimizer.service.js';

const ANALYSIS_DESCRIPTION =
  'A local, deterministic SEO analysis of the content as it is now: no AI call, no credits. `scores` holds ' +
  '`seo`, `readability`, `keyword_usage` and `structure` (each 0–100) and `overall`, their rounded mean; ' +
  '`criteria` gives each criterion its own 0–100 score and measurements — keyword placement (title, meta ' +
  'title, meta description, first paragraph, a subheading), keyword density (target 0.5–2.5 % of the ' +
  'words), meta title (30–60 characters) and meta description (120–160) lengths, heading structure (no ' +
  '<h1> in the body, no skipped level, subheadings at least every 350 words), readability (sentence and ' +
  'paragraph lengths), internal and external links (relative or same-host links are internal), images ' +
  'with alt text, lists.';

/**
 * `optimizer/` (docs/optimizer.md): the local SEO analysis and AI optimisation jobs, available when the
 * Optimizer module is on for the account.
 */
@ApiTags('optimizer')
@Controller('api/v1/optimizer')
@RequireModule('optimizer')
export class OptimizerController {
  constructor(private readonly optimizer: OptimizerService) {}

  @Post('analyze')
  @HttpCode(200)
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: 'Analyse a content item for SEO (local, no credits)',
    description: ANALYSIS_DESCRIPTION,
  })
  @ApiBody({ type: AnalyzeContentDto })
  @ApiData(AnalysisDto)
  analyze(@BodyAs(AnalyzeContentDto) body: AnalyzeContentDto) {
    return this.optimizer.analyze(body.content_id);
  }

  @Post('jobs')
  @Roles('editor')
  @ApiKeyAllowed()
  @UseThrottler('ai_function')
  @Idempotent()
  @ApiOperation({
    summary: 'Optimise a content item with AI (optimize_content)',
    description:
      'Creates an optimisation job and queues its AI task: reserves the estimated credits (402 ' +
      '`insufficient_credits` when the balance does not cover them), then rewrites the body, meta title and ' +
      'meta description for the primary keyword. The job keeps the body and the analysis scores before and ' +
      'after, and the credits charged (`optimization`: at least 1, one per 1000 tokens of the model). ' +
      'Content without an HTML body → 400 on `content_id`. Poll `system/tasks/{task_id}/` or the job.',
  })
  @ApiBody({ type: StartOptimizationDto })
  @ApiExtraModels(StartedOptimizationDto)
  @ApiResponse({
    status: 202,
    description: 'Job created, task queued',
    schema: {
      type: 'object',
      required: ['success', 'data', 'request_id'],
      properties: {
        success: { type: 'boolean', example: true },
        data: { $ref: getSchemaPath(StartedOptimizationDto) },
        message: { type: 'string', example: 'Task queued.' },
        request_id: { type: 'string' },
      },
    },
  })
  async start(@BodyAs(StartOptimizationDto) body: StartOptimizationDto, @Req() request: FastifyRequest) {
    return new Accepted(
      await this.optimizer.start(body.content_id, body.entry_point ?? 'igny8', requestOrigin(request)),
    );
  }

  @Get('jobs')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'List optimisation jobs (without the bodies)' })
  @ApiListQuery(JOBS_LIST)
  @ApiPaginated(OptimizationJobDto)
  list(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.optimizer.list(query, request);
  }

  @Get('jobs/:id')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'One optimisation job, with the body before and after' })
  @ApiData(OptimizationJobDetailDto)
  get(@Param('id', IdPipe) id: number) {
    return this.optimizer.get(id);
  }
}
