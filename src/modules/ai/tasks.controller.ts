import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeyAllowed, Roles } from '../../common/auth/auth.decorators.js';
import { ApiListQuery, type RawQuery } from '../../common/list/index.js';
import { ApiData, ApiErrorResponse, ApiPaginated } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { AiTaskDto } from './dto/ai-action.dto.js';
import { TASKS_LIST, TasksService } from './tasks.service.js';

/**
 * `system/tasks/` (docs/api-conventions.md#ai-actions-and-tasks): progress of the background tasks; clients
 * poll every 1–3 s.
 */
@ApiTags('tasks')
@Controller('api/v1/system/tasks')
@UseThrottler('system')
export class SystemTasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'List background tasks' })
  @ApiListQuery(TASKS_LIST)
  @ApiPaginated(AiTaskDto)
  list(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.tasks.list(query, request);
  }

  @Get(':task_id')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'Progress and result of one task' })
  @ApiParam({ name: 'task_id', format: 'uuid' })
  @ApiData(AiTaskDto)
  get(@Param('task_id') taskId: string) {
    return this.tasks.get(taskId);
  }

  @Post(':task_id/cancel')
  @HttpCode(200)
  @Roles('editor')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'Cancel a queued task (409 `invalid_state` once it has started)' })
  @ApiParam({ name: 'task_id', format: 'uuid' })
  @ApiData(AiTaskDto)
  @ApiErrorResponse(409, 'The task has started or ended (`invalid_state`)')
  cancel(@Param('task_id') taskId: string) {
    return this.tasks.cancel(taskId);
  }
}
