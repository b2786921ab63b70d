import { applyDecorators, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiKeyAllowed, Roles } from '../../../common/auth/auth.decorators.js';
import { IdPipe } from '../../../common/http/id.pipe.js';
import { BodyAs } from '../../../common/http/validation.pipe.js';
import type { RawQuery } from '../../../common/list/index.js';
import { ApiData } from '../../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../../common/throttling/throttle.decorator.js';
import { MODEL_PROVIDERS, MODEL_QUALITY_TIERS, MODEL_TYPES } from '../entities/ai-model.entity.js';
import { AiModelsService } from './ai-models.service.js';
import { AiModelDto, CreateAiModelDto, UpdateAiModelDto } from './dto/ai-model.dto.js';

const DevWrite = () => applyDecorators(Roles('dev'), UseThrottler('system_admin'));

const ModelFilters = () =>
  applyDecorators(
    ApiQuery({ name: 'model_type', required: false, schema: { type: 'string', enum: [...MODEL_TYPES] } }),
    ApiQuery({ name: 'provider', required: false, schema: { type: 'string', enum: [...MODEL_PROVIDERS] } }),
    ApiQuery({
      name: 'quality_tier',
      required: false,
      schema: { type: 'string', enum: [...MODEL_QUALITY_TIERS] },
    }),
    ApiQuery({
      name: 'is_active',
      required: false,
      schema: { type: 'string', enum: ['true', 'false', '1', '0'] },
      description: 'Developers only; everyone else sees active models only.',
    }),
  );

/** `system/ai-models/`: AIModelConfig, read by everyone, written by developers. */
@ApiTags('system')
@Controller('api/v1/system/ai-models')
@UseThrottler('system')
export class AiModelsController {
  constructor(private readonly models: AiModelsService) {}

  @Get()
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: 'AI models, by sort order (not paginated)',
    description: 'Non-developers see active models only.',
  })
  @ModelFilters()
  @ApiData(AiModelDto, { isArray: true })
  list(@Query() query: RawQuery) {
    return this.models.list(query);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'One AI model (an inactive model is 404 for non-developers)' })
  @ApiData(AiModelDto)
  get(@Param('id', IdPipe) id: number) {
    return this.models.get(id);
  }

  @Post()
  @DevWrite()
  @ApiOperation({ summary: 'Add an AI model (developers)' })
  @ApiBody({ type: CreateAiModelDto })
  @ApiData(AiModelDto, { status: 201, description: 'Created' })
  create(@BodyAs(CreateAiModelDto) body: CreateAiModelDto) {
    return this.models.create(body);
  }

  @Patch(':id')
  @DevWrite()
  @ApiOperation({ summary: 'Change an AI model (developers)' })
  @ApiBody({ type: UpdateAiModelDto })
  @ApiData(AiModelDto)
  update(@Param('id', IdPipe) id: number, @BodyAs(UpdateAiModelDto) body: UpdateAiModelDto) {
    return this.models.update(id, body);
  }
}
