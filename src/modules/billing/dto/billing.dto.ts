import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PlanDto } from '../../catalogue/dto/plan.dto.js';
import { Bool, Choice, field, HttpUrl, Int, Pk, Text } from '../../../common/http/fields.js';
import { COST_UNITS, type CostUnit } from '../entities/credit-cost-config.entity.js';
import {
  INVOICE_STATUSES,
  INVOICE_TYPES,
  MANUAL_PAYMENT_METHODS,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  type ManualPaymentMethod,
  type PaymentMethod,
} from '../entities/billing-enums.js';
import { CreditTransactionDto } from './credits.dto.js';

/* Requests and response schemas of billing (docs/billing.md). Money is a decimal string. */

/** The largest `integer` column value. */
const INT_MAX = 2_147_483_647;

const MONEY_TEXT = 'A decimal string with at most 2 decimals, e.g. "89.00".';

/**
 * A non-negative decimal string with at most 2 decimals and `digits` digits before the point (the
 * column's `numeric(p, 2)`): never a JSON number, so no float ever carries money.
 */
const Decimal = (presence: { required?: boolean } = {}, description = MONEY_TEXT, digits = 10) => {
  const pattern = new RegExp(`^\\d{1,${digits}}(\\.\\d{1,2})?$`);
  return field(
    'decimal',
    (value) =>
      typeof value === 'string' && pattern.test(value) ? null : `Enter ${MONEY_TEXT.toLowerCase()}`,
    presence,
    { type: 'string', pattern: pattern.source },
    { description },
  );
};

const JsonObject = (presence: { required?: boolean } = {}) =>
  field(
    'json_object',
    (value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value) ? null : 'Must be a JSON object.',
    presence,
    { type: 'object', additionalProperties: true },
  );

const COUNTRY = { regex: /^[A-Za-z]{2}$/, message: 'Enter a two-letter ISO country code.' };

const Integer = (description?: string) => ApiProperty({ type: 'integer', description });
const NullableInteger = () => ApiProperty({ type: 'integer', nullable: true });
const Money = (description?: string) => ApiProperty({ type: 'string', example: '89.00', description });
const Timestamp = () => ApiProperty({ format: 'date-time' });
const NullableTimestamp = () => ApiProperty({ type: 'string', format: 'date-time', nullable: true });
const NullableText = () => ApiProperty({ type: 'string', nullable: true });
const Json = () => ApiProperty({ type: 'object', additionalProperties: true });

// ---- requests -------------------------------------------------------------------------------------

export class ManualPaymentDto {
  @Pk({ required: true }) invoice_id: number;
  @Choice(MANUAL_PAYMENT_METHODS, { required: true }) payment_method: ManualPaymentMethod;
  @Text({ required: true, max: 255, blank: false }) transaction_reference: string;
  @HttpUrl({ max: 500, nullable: true }) proof_url?: string | null;
  @Text({ max: 2000, nullable: true }) notes?: string | null;
}

export class PaymentMethodCreateDto {
  @Choice(PAYMENT_METHODS, { required: true }) type: PaymentMethod;
  @Text({ required: true, max: 100, blank: false }) display_name: string;
  @Bool() is_enabled?: boolean;
  @Text({ max: 2, nullable: true, pattern: COUNTRY }) country_code?: string | null;
  @Text({ max: 5000 }) instructions?: string;
  @JsonObject() metadata?: Record<string, unknown>;
}

export class PaymentMethodUpdateDto {
  @Choice(PAYMENT_METHODS) type?: PaymentMethod;
  @Text({ max: 100, blank: false }) display_name?: string;
  @Bool() is_enabled?: boolean;
  @Text({ max: 2, nullable: true, pattern: COUNTRY }) country_code?: string | null;
  @Text({ max: 5000 }) instructions?: string;
  @JsonObject() metadata?: Record<string, unknown>;
}

export class PurchaseDto {
  @Choice(PAYMENT_METHODS, { required: true }) payment_method: PaymentMethod;
}

export class ChangePlanDto {
  @Text({ required: true, max: 50, blank: false }) plan_slug: string;
  @Choice(PAYMENT_METHODS, { required: true }) payment_method: PaymentMethod;
}

export class ApproveDto {
  @Text({ max: 2000, nullable: true }) notes?: string | null;
}

export class RejectDto {
  @Text({ required: true, max: 2000, blank: false }) reason: string;
}

export class BankTransferConfirmDto {
  @Pk({ required: true }) account_id: number;
  @Text({ required: true, max: 255, blank: false }) external_payment_id: string;
  @Decimal({ required: true }) amount: string;
  @Text({ max: 3, pattern: { regex: /^[A-Za-z]{3}$/, message: 'Enter a three-letter currency code.' } })
  currency?: string;
  @Text({ max: 255 }) payer_name?: string;
  @HttpUrl({ max: 500, nullable: true }) proof_url?: string;
  @Int({ min: 1, max: 12 }) period_months?: number;
  @Text({ max: 50, blank: false }) plan_slug?: string;
}

export class AdjustCreditsDto {
  @field(
    'non_zero_integer',
    (value) =>
      typeof value === 'number' &&
      Number.isSafeInteger(value) &&
      value !== 0 &&
      Math.abs(value) <= 1_000_000_000
        ? null
        : 'A non-zero integer between -1000000000 and 1000000000 is required.',
    { required: true },
    { type: 'integer' },
  )
  amount: number;
  @Choice(['plan', 'bonus'], { required: true }) pool: 'plan' | 'bonus';
  @Text({ required: true, max: 500, blank: false }) reason: string;
}

export class CreditCostUpdateDto {
  @Text({ max: 100, blank: false }) display_name?: string;
  @Decimal({}, 'Estimate per unit, a decimal string with at most 2 decimals ("0.25").', 8)
  credits_cost?: string;
  @Choice(COST_UNITS) unit?: CostUnit;
  @Int({ min: 0, max: INT_MAX }) min_credits?: number;
  @Bool() is_active?: boolean;
}

export class CreditPackageCreateDto {
  @Text({ required: true, max: 100, blank: false }) name: string;
  @Text({
    required: true,
    max: 100,
    blank: false,
    pattern: { regex: /^[a-z0-9]+(?:-[a-z0-9]+)*$/, message: 'Enter a valid slug.' },
  })
  slug: string;
  @Int({ required: true, min: 1, max: INT_MAX }) credits: number;
  @Decimal({ required: true }, MONEY_TEXT, 8) price: string;
  @Text({ max: 3, pattern: { regex: /^[A-Za-z]{3}$/, message: 'Enter a three-letter currency code.' } })
  currency?: string;
  @Text({ max: 5000 }) description?: string;
  @Text({ max: 255, nullable: true }) stripe_price_id?: string | null;
  @Bool() is_active?: boolean;
  @Int({ min: 0, max: INT_MAX }) sort_order?: number;
}

export class CreditPackageUpdateDto {
  @Text({ max: 100, blank: false }) name?: string;
  @Text({
    max: 100,
    blank: false,
    pattern: { regex: /^[a-z0-9]+(?:-[a-z0-9]+)*$/, message: 'Enter a valid slug.' },
  })
  slug?: string;
  @Int({ min: 1, max: INT_MAX }) credits?: number;
  @Decimal({}, MONEY_TEXT, 8) price?: string;
  @Text({ max: 3, pattern: { regex: /^[A-Za-z]{3}$/, message: 'Enter a three-letter currency code.' } })
  currency?: string;
  @Text({ max: 5000 }) description?: string;
  @Text({ max: 255, nullable: true }) stripe_price_id?: string | null;
  @Bool() is_active?: boolean;
  @Int({ min: 0, max: INT_MAX }) sort_order?: number;
}

// ---- responses ------------------------------------------------------------------------------------

/** The [base] columns every row has. */
class RowDto {
  @Integer() id: number;
  @Timestamp() created_at: string;
  @Timestamp() updated_at: string;
}

export class InvoiceLineItemDto {
  @ApiProperty() description: string;
  @Integer() quantity: number;
  @Money() unit_price: string;
  @Money('unit_price × quantity') amount: string;
  @Integer('Credits this line grants when paid') credits: number;
}

export class InvoiceDto extends RowDto {
  @Integer() account_id: number;
  @ApiProperty({ example: 'INV-42-202601-0001' }) invoice_number: string;
  @ApiProperty({ enum: INVOICE_TYPES }) invoice_type: string;
  @ApiProperty({ enum: INVOICE_STATUSES }) status: string;
  @NullableInteger() subscription_id: number | null;
  @NullableInteger() plan_id: number | null;
  @NullableInteger() credit_package_id: number | null;
  @ApiProperty({ example: 'USD' }) currency: string;
  @Money() subtotal: string;
  @Money() tax: string;
  @Money('subtotal + tax') total: string;
  @ApiProperty({ type: [InvoiceLineItemDto] }) line_items: InvoiceLineItemDto[];
  @ApiProperty({ enum: PAYMENT_METHODS, nullable: true }) payment_method: string | null;
  @NullableText() stripe_invoice_id: string | null;
  @NullableText() paypal_invoice_id: string | null;
  @ApiProperty({ format: 'date' }) invoice_date: string;
  @ApiProperty({ type: 'string', format: 'date', nullable: true }) due_date: string | null;
  @NullableTimestamp() paid_at: string | null;
  @NullableTimestamp() expires_at: string | null;
  @NullableText() void_reason: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: '`checkout_url`, `checkout_message`, `period_months`, `renewal_for_period_end`, …',
  })
  metadata: Record<string, unknown>;
}

export class PaymentDto extends RowDto {
  @Integer() account_id: number;
  @Integer() invoice_id: number;
  @Money() amount: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: PAYMENT_METHODS }) payment_method: string;
  @ApiProperty({ enum: PAYMENT_STATUSES }) status: string;
  @NullableText() transaction_reference: string | null;
  @NullableText() external_payment_id: string | null;
  @Json() metadata: Record<string, unknown>;
  @NullableInteger() approved_by: number | null;
  @NullableTimestamp() approved_at: string | null;
  @NullableText() rejected_reason: string | null;
  @NullableText() failure_reason: string | null;
  @NullableTimestamp() processed_at: string | null;
  @NullableTimestamp() refunded_at: string | null;
}

export class PendingPaymentDto extends PaymentDto {
  @ApiProperty() account_name: string;
  @ApiProperty() invoice_number: string;
}

export class PaymentWithInvoiceDto {
  @ApiProperty({ type: PaymentDto }) payment: PaymentDto;
  @ApiProperty({ type: InvoiceDto }) invoice: InvoiceDto;
}

export class AvailablePaymentMethodDto {
  @ApiProperty({ enum: PAYMENT_METHODS }) payment_method: string;
  @ApiProperty() display_name: string;
  @ApiProperty() instructions: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Bank details for bank transfers' })
  details: Record<string, unknown>;
}

export class PaymentMethodDto extends RowDto {
  @Integer() account_id: number;
  @NullableInteger() created_by: number | null;
  @ApiProperty({ enum: PAYMENT_METHODS }) type: string;
  @ApiProperty() display_name: string;
  @ApiProperty() is_default: boolean;
  @ApiProperty() is_enabled: boolean;
  @ApiProperty() is_verified: boolean;
  @NullableText() country_code: string | null;
  @ApiProperty() instructions: string;
  @Json() metadata: Record<string, unknown>;
}

export class CreditPackageDto extends RowDto {
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @Integer('Added to the bonus pool when paid') credits: number;
  @Money() price: string;
  @ApiProperty() currency: string;
  @ApiProperty() description: string;
  @NullableText() stripe_price_id: string | null;
  @ApiProperty() is_active: boolean;
  @Integer() sort_order: number;
}

export class NextActionDto {
  @ApiProperty({ enum: ['redirect', 'manual'] }) type: string;
  @ApiProperty({
    type: 'string',
    nullable: true,
    required: false,
    description: 'redirect: the provider page; null when the provider is not configured',
  })
  checkout_url?: string | null;
  @ApiProperty({ type: 'string', nullable: true, required: false }) message?: string | null;
  @ApiProperty({ required: false }) display_name?: string;
  @ApiProperty({ required: false }) instructions?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
}

export class PurchaseResultDto {
  @ApiProperty({ type: InvoiceDto }) invoice: InvoiceDto;
  @ApiProperty({ type: NextActionDto }) next_action: NextActionDto;
}

export class BillingSubscriptionDto extends RowDto {
  @Integer() account_id: number;
  @Integer() plan_id: number;
  @ApiProperty({ enum: ['trialing', 'pending_payment', 'active', 'past_due', 'canceled'] }) status: string;
  @NullableTimestamp() current_period_start: string | null;
  @NullableTimestamp() current_period_end: string | null;
  @ApiProperty() cancel_at_period_end: boolean;
  @ApiProperty({ enum: ['stripe', 'paypal', 'bank_transfer', 'manual'], nullable: true }) payment_provider:
    string | null;
  @NullableText() external_subscription_id: string | null;
  @ApiProperty({ type: PlanDto, nullable: true }) plan: PlanDto | null;
}

class AccountsByStatusDto {
  @Integer() active: number;
  @Integer() trial: number;
  @Integer() pending_payment: number;
  @Integer() suspended: number;
  @Integer() cancelled: number;
}

export class BillingStatsDto {
  @Money('Succeeded payments, all time') total_revenue: string;
  @Money('Succeeded payments since the 1st of the month (UTC)') revenue_this_month: string;
  @Integer() active_subscriptions: number;
  @Integer() pending_payments_count: number;
  @ApiProperty({ type: AccountsByStatusDto }) accounts_by_status: AccountsByStatusDto;
  @Integer() credits_consumed_this_month: number;
}

class AdjustedAccountDto {
  @Integer() id: number;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty() status: string;
  @Integer() plan_id: number;
  @Integer('The plan pool') credits: number;
  @Integer() bonus_credits: number;
  @Integer() held_credits: number;
}

export class AdjustCreditsResultDto {
  @ApiProperty({ type: AdjustedAccountDto }) account: AdjustedAccountDto;
  @ApiProperty({ type: CreditTransactionDto }) transaction: CreditTransactionDto;
}

export class CreditCostDto extends RowDto {
  @ApiProperty() operation_type: string;
  @ApiProperty() display_name: string;
  @ApiProperty({ example: '0.25' }) credits_cost: string;
  @ApiProperty({ enum: COST_UNITS }) unit: string;
  @Integer() min_credits: number;
  @ApiProperty() is_active: boolean;
}
