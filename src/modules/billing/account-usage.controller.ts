import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators.js';
import type { RawQuery } from '../../common/list/index.js';
import { ApiData } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { UsageAnalyticsDto } from './dto/credits.dto.js';
import { DEFAULT_ANALYTICS_DAYS, MAX_ANALYTICS_DAYS, UsageReportsService } from './usage-reports.service.js';

/** `account/usage/analytics/`: the caller's own account, not with a site API key. */
@ApiTags('account')
@Controller('api/v1/account/usage')
export class AccountUsageController {
  constructor(private readonly reports: UsageReportsService) {}

  @Get('analytics')
  @Roles('viewer')
  @UseThrottler('default')
  @ApiOperation({
    summary: 'Credit usage of the last `days` days, by operation, day and site',
    description:
      'Days of the account time zone, today included. `by_day` has every day of the period (0 when unused), ' +
      'oldest first; `by_operation` and `by_site` are ordered by credits, largest first (`site_id` null = ' +
      'usage not tied to a site; `site_name` null when the site is deleted).',
  })
  @ApiQuery({
    name: 'days',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_ANALYTICS_DAYS, default: DEFAULT_ANALYTICS_DAYS },
  })
  @ApiData(UsageAnalyticsDto)
  analytics(@Query() query: RawQuery) {
    return this.reports.analytics(query);
  }
}
