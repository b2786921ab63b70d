import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Roles, SkipAccountGate } from '../../common/auth/auth.decorators.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { ApiListQuery, type RawQuery } from '../../common/list/index.js';
import { ApiData, ApiPaginated } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { CreditsReadService, TRANSACTIONS_LIST, USAGE_LIST } from './credits-read.service.js';
import {
  CreditBalanceDto,
  CreditLimitsDto,
  CreditTransactionDto,
  CreditUsageLogDto,
  UsageSummaryDto,
} from './dto/credits.dto.js';
import { UsageReportsService } from './usage-reports.service.js';

const DAYS = 'Dates are `YYYY-MM-DD`, inclusive, in the account time zone.';

/**
 * The credit reads of `billing/`: viewer and above, own account only (developers
 * included), not with a site API key; every `billing/` route is exempt from the account gate.
 */
@ApiTags('billing')
@Controller('api/v1/billing')
@Roles('viewer')
@UseThrottler('billing')
@SkipAccountGate()
export class CreditsController {
  constructor(
    private readonly credits: CreditsReadService,
    private readonly reports: UsageReportsService,
  ) {}

  @Get(['credits/balance', 'transactions/balance'])
  @ApiOperation({ summary: 'Credit balance: both pools, holds and usage this month' })
  @ApiData(CreditBalanceDto)
  balance() {
    return this.credits.balance();
  }

  @Get(['transactions', 'credits/transactions'])
  @ApiOperation({ summary: 'List credit ledger entries', description: DAYS })
  @ApiListQuery(TRANSACTIONS_LIST)
  @ApiPaginated(CreditTransactionDto)
  transactions(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.credits.transactions(query, request);
  }

  @Get(['transactions/:id', 'credits/transactions/:id'])
  @ApiOperation({ summary: 'Retrieve a credit ledger entry' })
  @ApiData(CreditTransactionDto)
  transaction(@Param('id', IdPipe) id: number) {
    return this.credits.transaction(id);
  }

  @Get('credits/usage')
  @ApiOperation({ summary: 'List credit usage logs (one per charged AI operation)', description: DAYS })
  @ApiListQuery(USAGE_LIST)
  @ApiPaginated(CreditUsageLogDto)
  usage(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.credits.usage(query, request);
  }

  @Get('credits/usage/summary')
  @ApiOperation({
    summary: 'Credit usage totals by operation, model and day',
    description:
      `${DAYS} Default: the 1st of the current month to today. A malformed date, or \`start_date\` after ` +
      '`end_date`, answers 400. Groupings are ordered by credits, largest first; `by_day` lists days with usage.',
  })
  @ApiQuery({ name: 'start_date', required: false, schema: { type: 'string', format: 'date' } })
  @ApiQuery({ name: 'end_date', required: false, schema: { type: 'string', format: 'date' } })
  @ApiData(UsageSummaryDto)
  usageSummary(@Query() query: RawQuery) {
    return this.reports.summary(query);
  }

  @Get('credits/limits')
  @ApiOperation({ summary: 'The plan limits and how much of each the account uses' })
  @ApiData(CreditLimitsDto)
  limits() {
    return this.credits.limits();
  }
}
