import { Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { AccountGateInService, ApiKeyAllowed, Roles } from '../../common/auth/auth.decorators.js';
import { ApiError } from '../../common/http/error-codes.js';
import { Accepted } from '../../common/http/responses.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiAccepted, ApiData, ApiErrorResponse } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import {
  AutomationConfigDto,
  UpdateAutomationConfigDto,
} from '../automation-config/dto/automation-config.dto.js';
import { SiteSettingsService } from '../site-settings/site-settings.service.js';
import { AutomationRunsService } from './automation-runs.service.js';
import { AutomationViewsService } from './automation-views.service.js';
import {
  AutomationRunDto,
  CurrentProcessingDto,
  EstimateDto,
  PipelineOverviewDto,
  RunHistoryEntryDto,
  RunLogsDto,
  StageEstimateDto,
} from './dto/automation.dto.js';
import { presentRun } from './presenters.js';

/** How often the event stream looks for new events, and how long it keeps a quiet connection alive. */
const EVENT_POLL_MS = 250;
const KEEPALIVE_MS = 15_000;

type Params = Record<string, unknown>;

/** A required id parameter from the query (or a JSON body): missing or not a positive integer → 400. */
function requiredId(field: string, ...sources: (Params | undefined)[]): number {
  const value = sources.map((source) => source?.[field]).find((v) => v !== undefined && v !== '');
  if (value === undefined) throw ApiError.field(field, 'This field is required.');
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1)
    throw ApiError.field(field, 'A valid integer is required.');
  return Number(text);
}

function requiredRunId(...sources: (Params | undefined)[]): string {
  const value = sources.map((source) => source?.run_id).find((v) => v !== undefined && v !== '');
  if (value === undefined) throw ApiError.field('run_id', 'This field is required.');
  if (typeof value !== 'string' || value.length > 64) throw ApiError.field('run_id', 'Not a valid run id.');
  return value;
}

function boundedInt(raw: unknown, field: string, min: number, max: number, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
  const n = Number(text);
  if (!/^\d{1,6}$/.test(text) || n < min || n > max) {
    throw ApiError.field(field, `Ensure this value is between ${min} and ${max}.`);
  }
  return n;
}

const SITE_QUERY = ApiQuery({ name: 'site_id', type: Number, required: true });
const RUN_QUERY = ApiQuery({
  name: 'run_id',
  type: String,
  required: true,
  example: 'run_20260101_020000_0a1b2c3d',
});

/**
 * `automation/` (docs/automation.md): start and steer runs of the seven-stage pipeline of a site, and
 * watch them. `site_id` / `run_id` are query parameters (POST also accepts them in the JSON body).
 */
@ApiTags('automation')
@ApiExtraModels(StageEstimateDto)
@Controller('api/v1/automation')
@UseThrottler('default')
export class AutomationController {
  constructor(
    private readonly runs: AutomationRunsService,
    private readonly views: AutomationViewsService,
    private readonly settings: SiteSettingsService,
  ) {}

  @Get('config')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: "The site's automation config",
    description: 'Created from the default config on first use (as in `system/sites/{id}/settings/`).',
  })
  @SITE_QUERY
  @ApiData(AutomationConfigDto)
  config(@Query() query: Params) {
    return this.settings.automationConfig(requiredId('site_id', query));
  }

  @Put('update_config')
  @Roles('editor')
  @ApiOperation({
    summary: "Change the site's automation config",
    description:
      'Any subset of the fields (PUT and PATCH alike), each within its range, else 400; `next_run_at` is ' +
      'recomputed. `test_trigger_at` is taken from developers only.',
  })
  @SITE_QUERY
  @ApiBody({ type: UpdateAutomationConfigDto })
  @ApiData(AutomationConfigDto)
  updateConfig(
    @Query() query: Params,
    @Req() request: FastifyRequest,
    @BodyAs(UpdateAutomationConfigDto) body: UpdateAutomationConfigDto,
  ) {
    const siteId = requiredId('site_id', query, request.body as Params | undefined);
    return this.settings.updateAutomationConfig(siteId, body);
  }

  @Patch('update_config')
  @Roles('editor')
  @ApiOperation({ summary: "Change the site's automation config (as PUT)" })
  @SITE_QUERY
  @ApiBody({ type: UpdateAutomationConfigDto })
  @ApiData(AutomationConfigDto)
  patchConfig(
    @Query() query: Params,
    @Req() request: FastifyRequest,
    @BodyAs(UpdateAutomationConfigDto) body: UpdateAutomationConfigDto,
  ) {
    return this.updateConfig(query, request, body);
  }

  @Post('run_now')
  @Roles('editor')
  @AccountGateInService()
  @UseThrottler('ai_function')
  @ApiOperation({
    summary: 'Start a run now',
    description:
      "Checks, in order: the site (404), the account's status (402 `payment_required` / 403 " +
      '`account_inactive`), an active run or a held lock (409 `automation_already_running`), the ' +
      "site's models (400 `model_not_supported`), the estimate with a 1.2× buffer (402 `insufficient_credits`, " +
      '`details`: `estimated_credits`, `required_credits`, `balance`). Answers 202 `{task_id, run_id}`.',
  })
  @SITE_QUERY
  @ApiAccepted()
  @ApiErrorResponse(409, 'A run of the site is running or paused (`automation_already_running`)')
  @ApiErrorResponse(402, 'The estimate is not covered (`insufficient_credits`)')
  async runNow(@Query() query: Params, @Req() request: FastifyRequest) {
    const siteId = requiredId('site_id', query, request.body as Params | undefined);
    return new Accepted(await this.runs.start(siteId, 'manual'));
  }

  @Get('estimate')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'Credit estimate of a run with its per-stage breakdown' })
  @SITE_QUERY
  @ApiData(EstimateDto)
  async estimate(@Query() query: Params) {
    const { internal: _internal, ...estimate } = await this.runs.estimate(requiredId('site_id', query));
    return estimate;
  }

  @Get('current_run')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'The running or paused run of the site, or null' })
  @SITE_QUERY
  @ApiData(AutomationRunDto)
  currentRun(@Query() query: Params) {
    return this.views.currentRun(requiredId('site_id', query));
  }

  @Get('run_detail')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'One run' })
  @RUN_QUERY
  @ApiData(AutomationRunDto)
  runDetail(@Query() query: Params) {
    return this.views.detail(requiredRunId(query));
  }

  @Get('history')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: "The site's latest runs, newest first (an array of at most `limit`)" })
  @SITE_QUERY
  @ApiQuery({ name: 'limit', type: Number, required: false, description: '1–100, default 20' })
  @ApiData(RunHistoryEntryDto, { isArray: true })
  history(@Query() query: Params) {
    return this.views.history(requiredId('site_id', query), boundedInt(query.limit, 'limit', 1, 100, 20));
  }

  @Get('logs')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: "The last lines of the run's log, oldest first" })
  @RUN_QUERY
  @ApiQuery({ name: 'lines', type: Number, required: false, description: '1–1000, default 100' })
  @ApiData(RunLogsDto)
  logs(@Query() query: Params) {
    return this.views.logs(requiredRunId(query), boundedInt(query.lines, 'lines', 1, 1000, 100));
  }

  @Get('pipeline_overview')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'Eligible item counts per stage right now' })
  @SITE_QUERY
  @ApiData(PipelineOverviewDto)
  overview(@Query() query: Params) {
    return this.views.overview(requiredId('site_id', query));
  }

  @Get('current_processing')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'The item the active run is working on, or null when no run is active' })
  @SITE_QUERY
  @ApiQuery({ name: 'run_id', type: String, required: false })
  @ApiData(CurrentProcessingDto)
  currentProcessing(@Query() query: Params) {
    const runId = query.run_id === undefined || query.run_id === '' ? undefined : requiredRunId(query);
    return this.views.currentProcessing(requiredId('site_id', query), runId);
  }

  @Post('pause')
  @HttpCode(200)
  @Roles('editor')
  @ApiOperation({ summary: 'Pause a running run (after the current item)' })
  @RUN_QUERY
  @ApiData(AutomationRunDto)
  @ApiErrorResponse(409, 'The run is not running (`invalid_state`)')
  async pause(@Query() query: Params, @Req() request: FastifyRequest) {
    return presentRun(await this.runs.pause(requiredRunId(query, request.body as Params | undefined)));
  }

  @Post('resume')
  @HttpCode(200)
  @Roles('editor')
  @ApiOperation({ summary: 'Resume a paused run (re-checks the credits of the remaining work)' })
  @RUN_QUERY
  @ApiData(AutomationRunDto)
  @ApiErrorResponse(409, 'The run is not paused (`invalid_state`)')
  @ApiErrorResponse(402, 'The remaining work is not covered (`insufficient_credits`); the run stays paused')
  async resume(@Query() query: Params, @Req() request: FastifyRequest) {
    return presentRun(await this.runs.resume(requiredRunId(query, request.body as Params | undefined)));
  }

  @Post('cancel')
  @HttpCode(200)
  @Roles('editor')
  @ApiOperation({ summary: 'Cancel a running or paused run (saved work is kept; nothing is refunded)' })
  @RUN_QUERY
  @ApiData(AutomationRunDto)
  @ApiErrorResponse(409, 'The run has ended (`invalid_state`)')
  async cancel(@Query() query: Params, @Req() request: FastifyRequest) {
    return presentRun(await this.runs.cancel(requiredRunId(query, request.body as Params | undefined)));
  }

  @Get('runs/:run_id/events')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: "The run's progress as Server-Sent Events",
    description:
      'A `text/event-stream`: every event has an `id` (increasing per run), an `event` type — `status` ' +
      '(`{status, stage}`), `stage` (`{stage, name, status, items_total | skip_reason}`) or `item` (`{stage, ' +
      'item, processed, total, failed, credits_used}`) — and JSON `data`. Reconnect with `Last-Event-ID` (or ' +
      '`?last_event_id=`) to receive only later events. The stream ends once the run is completed, failed or ' +
      'cancelled and every event was sent; a comment line is sent every 15 s while nothing happens.',
  })
  @ApiParam({ name: 'run_id', example: 'run_20260101_020000_0a1b2c3d' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Id of the last event received.' })
  @ApiProduces('text/event-stream')
  @ApiResponse({
    status: 200,
    description: 'The event stream.',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          example: 'id: 3\nevent: item\ndata: {"stage":1,"processed":20,"total":40}\n\n',
        },
      },
    },
  })
  @ApiErrorResponse(404, 'Unknown or invisible run')
  async events(
    @Param('run_id') runId: string,
    @Query() query: Params,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const source = await this.views.eventSource(runId);
    let after = boundedInt(lastEventId ?? query.last_event_id, 'last_event_id', 0, 999_999, 0);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let open = true;
    raw.on('close', () => (open = false));
    raw.write(': connected\n\n');
    let quietSince = Date.now();
    while (open) {
      const events = await source.since(after);
      for (const event of events) {
        raw.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
        after = event.id;
      }
      if (events.length > 0) quietSince = Date.now();
      else if (await source.ended()) break;
      else if (Date.now() - quietSince > KEEPALIVE_MS) {
        raw.write(': keep-alive\n\n');
        quietSince = Date.now();
      }
      if (events.length === 0) await sleep(EVENT_POLL_MS);
    }
    if (open) raw.end();
  }
}
