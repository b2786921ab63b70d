import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeyAllowed, Roles } from '../../../common/auth/auth.decorators.js';
import { IdPipe } from '../../../common/http/id.pipe.js';
import { DELETED, type WithMessage } from '../../../common/http/responses.js';
import { BodyAs } from '../../../common/http/validation.pipe.js';
import { ApiListQuery, type RawQuery } from '../../../common/list/index.js';
import { ApiData, ApiPaginated } from '../../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../../common/throttling/throttle.decorator.js';
import { PROMPT_TYPES } from '../entities/ai-prompt.entity.js';
import { AccountPromptsService, PROMPTS_LIST } from './account-prompts.service.js';
import {
  AiPromptDto,
  PromptByTypeDto,
  ResetPromptDto,
  SavePromptDto,
  UpdatePromptDto,
} from './dto/prompt.dto.js';

/** `system/prompts/`: the account's own prompt texts per prompt type. */
@ApiTags('system')
@Controller('api/v1/system/prompts')
@UseThrottler('system')
export class PromptsController {
  constructor(private readonly prompts: AccountPromptsService) {}

  @Get()
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: "The account's prompts" })
  @ApiListQuery(PROMPTS_LIST)
  @ApiPaginated(AiPromptDto)
  list(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.prompts.list(query, request);
  }

  @Get('by_type')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: "The prompt of a type: the account's own, or the global one (`is_custom: false`)",
  })
  @ApiQuery({ name: 'prompt_type', required: true, schema: { type: 'string', enum: [...PROMPT_TYPES] } })
  @ApiData(PromptByTypeDto)
  byType(@Query() query: RawQuery) {
    return this.prompts.byType(this.prompts.parseType(query));
  }

  @Post('save_prompt')
  @HttpCode(200)
  @Roles('editor')
  @ApiOperation({
    summary: "Create or update the account's prompt of a type",
    description: 'A new prompt keeps a copy of the global text in `default_prompt`.',
  })
  @ApiBody({ type: SavePromptDto })
  @ApiData(AiPromptDto)
  save(@BodyAs(SavePromptDto) body: SavePromptDto) {
    return this.prompts.savePrompt(body);
  }

  @Post('reset_prompt')
  @HttpCode(200)
  @Roles('editor')
  @ApiOperation({ summary: "Remove the account's prompt of a type; answers with the global prompt" })
  @ApiBody({ type: ResetPromptDto })
  @ApiData(PromptByTypeDto)
  reset(@BodyAs(ResetPromptDto) body: ResetPromptDto) {
    return this.prompts.resetPrompt(body.prompt_type);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'One prompt of the account' })
  @ApiData(AiPromptDto)
  get(@Param('id', IdPipe) id: number) {
    return this.prompts.get(id);
  }

  @Patch(':id')
  @Roles('editor')
  @ApiOperation({ summary: 'Change the text or the active flag of a prompt' })
  @ApiBody({ type: UpdatePromptDto })
  @ApiData(AiPromptDto)
  update(@Param('id', IdPipe) id: number, @BodyAs(UpdatePromptDto) body: UpdatePromptDto) {
    return this.prompts.update(id, body);
  }

  @Delete(':id')
  @Roles('editor')
  @ApiOperation({ summary: 'Delete a prompt (the global prompt applies again)' })
  @ApiData(null, { description: 'Deleted' })
  async remove(@Param('id', IdPipe) id: number): Promise<WithMessage<null>> {
    await this.prompts.remove(id);
    return DELETED;
  }
}
