import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { queryValue, type RawQuery } from '../../common/list/list-query.js';
import { Site } from '../identity/entities/site.entity.js';
import { type DayRange, daysEndingOn, localDate, parseDayRange, withinDays } from './account-calendar.js';
import type { CreditUsageLog, OperationType } from './entities/credit-usage-log.entity.js';
import { type OwnAccount, OwnAccountRows } from './own-account-rows.js';

export interface OperationUsage {
  operation_type: OperationType;
  credits: number;
  count: number;
}

export interface DayUsage {
  date: string;
  credits: number;
}

export interface UsageSummary extends DayRange {
  total_credits: number;
  total_cost_usd: string;
  total_operations: number;
  by_operation: OperationUsage[];
  by_model: { model_used: string; credits: number; count: number }[];
  by_day: DayUsage[];
}

export interface UsageAnalytics {
  period: { start: string; end: string };
  total_credits_used: number;
  by_operation: OperationUsage[];
  by_day: DayUsage[];
  by_site: { site_id: number | null; site_name: string | null; credits: number }[];
}

export const DEFAULT_ANALYTICS_DAYS = 30;
export const MAX_ANALYTICS_DAYS = 365;

const CREDITS = 'COALESCE(SUM(u.credits_used), 0)';
const DAY = localDate('u.created_at');

/** `days` of the analytics: a whole number from 1 to 365, default 30; else 400 on `days`. */
export function parseAnalyticsDays(raw: RawQuery): number {
  const value = queryValue(raw, 'days');
  if (value === undefined || value === '') return DEFAULT_ANALYTICS_DAYS;
  const problem = !/^\d+$/.test(value)
    ? 'A valid integer is required.'
    : Number(value) < 1
      ? 'Ensure this value is greater than or equal to 1.'
      : Number(value) > MAX_ANALYTICS_DAYS
        ? `Ensure this value is less than or equal to ${MAX_ANALYTICS_DAYS}.`
        : null;
  if (problem) throw ApiError.field('days', problem);
  return Number(value);
}

/**
 * Aggregates of the caller's usage logs over local days (`account/usage/analytics/`,
 * `billing/credits/usage/summary/`). Groupings are ordered by credits, largest first.
 */
@Injectable()
export class UsageReportsService {
  constructor(private readonly own: OwnAccountRows) {}

  /** `start_date`..`end_date` (default: the current month up to today); `by_day` lists days with usage only. */
  async summary(raw: RawQuery): Promise<UsageSummary> {
    const account = await this.own.account();
    const range = parseDayRange(raw, { start_date: account.month_start, end_date: account.today });
    const logs = () => this.logsWithin(account, range);
    const totals = await logs()
      .select(CREDITS, 'total_credits')
      .addSelect('CAST(COALESCE(SUM(u.cost_usd), 0) AS numeric(18, 6))', 'total_cost_usd')
      .addSelect('COUNT(*)', 'total_operations')
      .getRawOne<Pick<UsageSummary, 'total_credits' | 'total_cost_usd' | 'total_operations'>>();
    const byModel = await logs()
      .select('u.model_used', 'model_used')
      .addSelect(CREDITS, 'credits')
      .addSelect('COUNT(*)', 'count')
      .groupBy('u.model_used')
      .orderBy(CREDITS, 'DESC')
      .addOrderBy('u.model_used')
      .getRawMany<UsageSummary['by_model'][number]>();
    return {
      ...range,
      total_credits: totals?.total_credits ?? 0,
      total_cost_usd: totals?.total_cost_usd ?? '0.000000',
      total_operations: totals?.total_operations ?? 0,
      by_operation: await this.byOperation(logs()),
      by_model: byModel,
      by_day: await this.byDay(logs()),
    };
  }

  /** The last `days` local days up to today; `by_day` has every day of the period, 0 when unused. */
  async analytics(raw: RawQuery): Promise<UsageAnalytics> {
    const days = parseAnalyticsDays(raw);
    const account = await this.own.account();
    const dates = daysEndingOn(account.today, days);
    const range = { start_date: dates[0], end_date: account.today };
    const logs = () => this.logsWithin(account, range);
    const used = new Map((await this.byDay(logs())).map((day) => [day.date, day.credits]));
    const byDay = dates.map((date) => ({ date, credits: used.get(date) ?? 0 }));
    const bySite = await logs()
      .leftJoin(Site, 's', 's.id = u.site_id AND s.account_id = u.account_id AND s.deleted_at IS NULL')
      .select('u.site_id', 'site_id')
      .addSelect('s.name', 'site_name')
      .addSelect(CREDITS, 'credits')
      .groupBy('u.site_id')
      .addGroupBy('s.name')
      .orderBy(CREDITS, 'DESC')
      .addOrderBy('u.site_id', 'ASC', 'NULLS LAST')
      .getRawMany<UsageAnalytics['by_site'][number]>();
    return {
      period: { start: range.start_date, end: range.end_date },
      total_credits_used: byDay.reduce((sum, day) => sum + day.credits, 0),
      by_operation: await this.byOperation(logs()),
      by_day: byDay,
      by_site: bySite,
    };
  }

  private logsWithin(account: OwnAccount, range: DayRange): SelectQueryBuilder<CreditUsageLog> {
    return this.own.usageLogs(account).andWhere(withinDays('u.created_at', ':range_start', ':range_end'), {
      range_start: range.start_date,
      range_end: range.end_date,
    });
  }

  private byOperation(logs: SelectQueryBuilder<CreditUsageLog>): Promise<OperationUsage[]> {
    return logs
      .select('u.operation_type', 'operation_type')
      .addSelect(CREDITS, 'credits')
      .addSelect('COUNT(*)', 'count')
      .groupBy('u.operation_type')
      .orderBy(CREDITS, 'DESC')
      .addOrderBy('u.operation_type')
      .getRawMany<OperationUsage>();
  }

  /** Local days with usage, oldest first. */
  private byDay(logs: SelectQueryBuilder<CreditUsageLog>): Promise<DayUsage[]> {
    return logs
      .select(DAY, 'date')
      .addSelect(CREDITS, 'credits')
      .groupBy(DAY)
      .orderBy(DAY)
      .getRawMany<DayUsage>();
  }
}
