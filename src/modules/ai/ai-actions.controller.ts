import { applyDecorators, Controller, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeyAllowed, Roles } from '../../common/auth/auth.decorators.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { Accepted } from '../../common/http/responses.js';
import { Idempotent } from '../../common/idempotency/idempotent.decorator.js';
import { requestOrigin } from '../../common/media/media.service.js';
import { ApiAccepted } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import type { ThrottleScope } from '../../config/config.schema.js';
import { AiActionsService } from './ai-actions.service.js';
import {
  AutoClusterDto,
  GenerateContentDto,
  GenerateIdeasDto,
  GenerateImagePromptsDto,
  GenerateImagesDto,
} from './dto/ai-action.dto.js';

const DESCRIPTION =
  'Validates the ids (visible, one site), resolves the model (400 `model_not_supported`), reserves the ' +
  'estimated credits (402 `insufficient_credits` with `details` when the available balance does not cover them; ' +
  'nothing is queued) and queues the task. Poll `system/tasks/{task_id}/`. Accepts an `Idempotency-Key` header.';

/** One AI entry point: editor or site API key, its throttle, idempotent, 202 `{task_id}`. */
const AiAction = (throttle: ThrottleScope, summary: string, body: new () => unknown) =>
  applyDecorators(
    Roles('editor'),
    ApiKeyAllowed(),
    UseThrottler(throttle),
    Idempotent(),
    ApiOperation({ summary, description: DESCRIPTION }),
    ApiBody({ type: body }),
    ApiAccepted(),
  );

/** The AI entry points of the planner and the writer (docs/api-conventions.md#ai-actions-and-tasks). */
@ApiTags('ai')
@Controller('api/v1')
export class AiActionsController {
  constructor(private readonly actions: AiActionsService) {}

  @Post('planner/keywords/auto_cluster')
  @AiAction('planner_ai', 'Cluster keywords with AI (auto_cluster)', AutoClusterDto)
  async autoCluster(@BodyAs(AutoClusterDto) body: AutoClusterDto, @Req() request: FastifyRequest) {
    return new Accepted(await this.actions.start('auto_cluster', body, requestOrigin(request)));
  }

  @Post('planner/clusters/auto_generate_ideas')
  @AiAction('planner_ai', 'Generate content ideas for clusters (generate_ideas)', GenerateIdeasDto)
  async generateIdeas(@BodyAs(GenerateIdeasDto) body: GenerateIdeasDto, @Req() request: FastifyRequest) {
    return new Accepted(await this.actions.start('generate_ideas', body, requestOrigin(request)));
  }

  @Post('writer/tasks/auto_generate_content')
  @AiAction('writer_ai', 'Generate articles for writer tasks (generate_content)', GenerateContentDto)
  async generateContent(
    @BodyAs(GenerateContentDto) body: GenerateContentDto,
    @Req() request: FastifyRequest,
  ) {
    return new Accepted(await this.actions.start('generate_content', body, requestOrigin(request)));
  }

  @Post('writer/content/generate_image_prompts')
  @AiAction('writer_ai', 'Write image prompts for content (generate_image_prompts)', GenerateImagePromptsDto)
  async generateImagePrompts(
    @BodyAs(GenerateImagePromptsDto) body: GenerateImagePromptsDto,
    @Req() request: FastifyRequest,
  ) {
    return new Accepted(await this.actions.start('generate_image_prompts', body, requestOrigin(request)));
  }

  @Post('writer/images/generate_images')
  @AiAction('image_gen', 'Generate image files (generate_images)', GenerateImagesDto)
  async generateImages(@BodyAs(GenerateImagesDto) body: GenerateImagesDto, @Req() request: FastifyRequest) {
    return new Accepted(await this.actions.start('generate_images', body, requestOrigin(request)));
  }
}
