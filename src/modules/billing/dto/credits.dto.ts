import { ApiProperty } from '@nestjs/swagger';
import { PlanRefDto } from '../../catalogue/dto/plan.dto.js';
import { CREDIT_TRANSACTION_TYPES } from '../entities/credit-transaction.entity.js';
import { OPERATION_TYPES, RELATED_OBJECT_TYPES } from '../entities/credit-usage-log.entity.js';

/* Response schemas of the credit reads; the data comes from the read services. */

const Integer = (description?: string) => ApiProperty({ type: 'integer', description });
const NullableInteger = (description?: string) =>
  ApiProperty({ type: 'integer', nullable: true, description });
const LocalDate = (description: string) => ApiProperty({ type: 'string', format: 'date', description });

export class CreditBalanceDto {
  @Integer('Plan + bonus credits') credits: number;
  @Integer('The plan pool') plan_credits: number;
  @Integer('The purchased pool (never expires)') bonus_credits: number;
  @Integer('Reserved by queued and running AI tasks; available = credits − held_credits')
  held_credits: number;
  @Integer("The plan's included_credits") plan_credits_per_month: number;
  @Integer('Credits of usage logs since the 1st of the month (account time zone)')
  credits_used_this_month: number;
  @Integer('Plan + bonus credits') credits_remaining: number;
}

export class CreditTransactionDto {
  @Integer() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @Integer() account_id: number;
  @ApiProperty({ enum: CREDIT_TRANSACTION_TYPES }) transaction_type: string;
  @Integer('Signed: positive = credit, negative = debit') amount: number;
  @Integer('Signed part applied to the plan pool') plan_amount: number;
  @Integer('Signed part applied to the bonus pool') bonus_amount: number;
  @Integer('Plan + bonus after the entry') balance_after: number;
  @Integer() plan_balance_after: number;
  @Integer() bonus_balance_after: number;
  @ApiProperty() description: string;
  @ApiProperty({ type: 'string', nullable: true }) reference_id: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
}

export class CreditUsageLogDto {
  @Integer() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @Integer() account_id: number;
  @NullableInteger() site_id: number | null;
  @NullableInteger() user_id: number | null;
  @ApiProperty({ enum: OPERATION_TYPES }) operation_type: string;
  @Integer() credits_used: number;
  @ApiProperty({ example: '0.000150', description: 'numeric(12,6) as a string' }) cost_usd: string;
  @ApiProperty() model_used: string;
  @Integer() tokens_input: number;
  @Integer() tokens_output: number;
  @ApiProperty({ enum: RELATED_OBJECT_TYPES, nullable: true }) related_object_type: string | null;
  @NullableInteger() related_object_id: number | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) task_id: string | null;
  @NullableInteger('The ledger entry; null for internal-plan accounts') transaction_id: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
}

export class OperationUsageDto {
  @ApiProperty({ enum: OPERATION_TYPES }) operation_type: string;
  @Integer() credits: number;
  @Integer() count: number;
}

export class ModelUsageDto {
  @ApiProperty() model_used: string;
  @Integer() credits: number;
  @Integer() count: number;
}

export class DayUsageDto {
  @LocalDate('A day of the account time zone') date: string;
  @Integer() credits: number;
}

export class SiteUsageDto {
  @NullableInteger('null for usage not tied to a site') site_id: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'null when the site is deleted' })
  site_name: string | null;
  @Integer() credits: number;
}

export class UsageSummaryDto {
  @LocalDate('First day (inclusive)') start_date: string;
  @LocalDate('Last day (inclusive)') end_date: string;
  @Integer() total_credits: number;
  @ApiProperty({ example: '0.012345', description: 'Provider cost, scale 6' }) total_cost_usd: string;
  @Integer() total_operations: number;
  @ApiProperty({ type: [OperationUsageDto] }) by_operation: OperationUsageDto[];
  @ApiProperty({ type: [ModelUsageDto] }) by_model: ModelUsageDto[];
  @ApiProperty({ type: [DayUsageDto], description: 'Days with usage only, oldest first' })
  by_day: DayUsageDto[];
}

export class LimitUsageDto {
  @Integer() used: number;
  @NullableInteger('null = unlimited') limit: number | null;
}

export class PlanLimitsDto {
  @ApiProperty({ type: LimitUsageDto, description: 'Non-deleted sites' }) sites: LimitUsageDto;
  @ApiProperty({ type: LimitUsageDto, description: 'Non-deleted users except system_bot' })
  users: LimitUsageDto;
  @ApiProperty({ type: LimitUsageDto, description: 'Non-deleted keywords of every site' })
  keywords: LimitUsageDto;
  @ApiProperty({ type: LimitUsageDto, description: 'usage_ahrefs_queries of the period' })
  ahrefs_queries: LimitUsageDto;
}

export class CreditLimitsDto {
  @ApiProperty({ type: PlanRefDto }) plan: PlanRefDto;
  @ApiProperty({ type: PlanLimitsDto }) limits: PlanLimitsDto;
}

export class UsagePeriodDto {
  @LocalDate('First day (inclusive)') start: string;
  @LocalDate('Today (inclusive)') end: string;
}

export class UsageAnalyticsDto {
  @ApiProperty({ type: UsagePeriodDto }) period: UsagePeriodDto;
  @Integer() total_credits_used: number;
  @ApiProperty({ type: [OperationUsageDto] }) by_operation: OperationUsageDto[];
  @ApiProperty({ type: [DayUsageDto], description: 'Every day of the period, oldest first (0 when unused)' })
  by_day: DayUsageDto[];
  @ApiProperty({ type: [SiteUsageDto] }) by_site: SiteUsageDto[];
}
