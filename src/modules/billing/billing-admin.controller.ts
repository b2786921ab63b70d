import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Roles } from '../../common/auth/auth.decorators.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { DELETED, type WithMessage } from '../../common/http/responses.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiListQuery, type RawQuery } from '../../common/list/index.js';
import { ApiData, ApiPaginated } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import {
  ADMIN_INVOICES_LIST,
  ADMIN_PAYMENTS_LIST,
  BillingAdmin,
  CREDIT_PACKAGES_LIST,
  PENDING_PAYMENTS_LIST,
} from './billing-admin.service.js';
import {
  AdjustCreditsDto,
  AdjustCreditsResultDto,
  ApproveDto,
  BankTransferConfirmDto,
  BillingStatsDto,
  CreditCostDto,
  CreditCostUpdateDto,
  CreditPackageCreateDto,
  CreditPackageDto,
  CreditPackageUpdateDto,
  InvoiceDto,
  PaymentDto,
  PaymentWithInvoiceDto,
  PendingPaymentDto,
  RejectDto,
} from './dto/billing.dto.js';
import { ManualPayments } from './manual-payments.service.js';

/** Each route under `admin/billing/` and its alias `billing/admin/`. */
const both = (path: string) => [`admin/billing/${path}`, `billing/admin/${path}`];

/**
 * Developer billing administration (`admin/billing/`, alias `billing/admin/`), over every account
 * (docs/billing.md#administration). Every change lands in the credit ledger or the WebhookEvent trail.
 */
@ApiTags('admin')
@Controller('api/v1')
@Roles('dev')
@UseThrottler('billing_admin')
export class BillingAdminController {
  constructor(
    private readonly admin: BillingAdmin,
    private readonly manual: ManualPayments,
  ) {}

  @Get(both('stats'))
  @ApiOperation({ summary: 'Revenue, subscriptions, pending payments, accounts by status, credits used' })
  @ApiData(BillingStatsDto)
  stats() {
    return this.admin.stats();
  }

  @Get(both('pending_payments'))
  @ApiOperation({ summary: 'Payments awaiting approval, oldest first' })
  @ApiListQuery(PENDING_PAYMENTS_LIST)
  @ApiPaginated(PendingPaymentDto)
  pendingPayments(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.admin.pendingPayments(query, request);
  }

  @Get(both('payments'))
  @ApiOperation({ summary: 'Payments of every account' })
  @ApiListQuery(ADMIN_PAYMENTS_LIST)
  @ApiPaginated(PaymentDto)
  payments(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.admin.listPayments(query, request);
  }

  @Get(both('invoices'))
  @ApiOperation({ summary: 'Invoices of every account' })
  @ApiListQuery(ADMIN_INVOICES_LIST)
  @ApiPaginated(InvoiceDto)
  invoices(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.admin.listInvoices(query, request);
  }

  @Post(both('payments/:id/approve'))
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve a manual payment: the invoice is paid (once)',
    description:
      '409 `invalid_state` unless the payment is `pending_approval`; nobody approves a payment they submitted.',
  })
  @ApiBody({ type: ApproveDto })
  @ApiData(PaymentWithInvoiceDto)
  approve(@Param('id', IdPipe) id: number, @BodyAs(ApproveDto) body: ApproveDto) {
    return this.manual.approve(id, body.notes ?? undefined);
  }

  @Post(both('payments/:id/reject'))
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reject a manual payment; its invoice stays pending',
    description: '409 unless `pending_approval`.',
  })
  @ApiBody({ type: RejectDto })
  @ApiData(PaymentDto)
  reject(@Param('id', IdPipe) id: number, @BodyAs(RejectDto) body: RejectDto) {
    return this.manual.reject(id, body.reason);
  }

  @Post(both('bank-transfers/confirm'))
  @ApiOperation({
    summary: 'Record a received bank transfer: the subscription invoice is paid',
    description:
      "Reuses the account's pending subscription invoice for the plan (default: its current plan) and " +
      '`period_months`, or issues one. A duplicate `external_payment_id` answers 409 `conflict`.',
  })
  @ApiBody({ type: BankTransferConfirmDto })
  @ApiData(PaymentWithInvoiceDto, { status: 201 })
  confirmBankTransfer(@BodyAs(BankTransferConfirmDto) body: BankTransferConfirmDto) {
    return this.manual.confirmBankTransfer(body);
  }

  @Post(both('accounts/:id/adjust_credits'))
  @HttpCode(200)
  @ApiOperation({
    summary: "Add or remove credits in one of an account's pools, with a reason",
    description: 'One ledger entry `adjustment`; a pool never goes below 0 (400 on `amount`).',
  })
  @ApiBody({ type: AdjustCreditsDto })
  @ApiData(AdjustCreditsResultDto)
  adjustCredits(@Param('id', IdPipe) id: number, @BodyAs(AdjustCreditsDto) body: AdjustCreditsDto) {
    return this.admin.adjustCredits(id, body);
  }

  @Get(both('credit-costs'))
  @ApiOperation({ summary: 'The credit cost configuration of every operation' })
  @ApiData(CreditCostDto, { isArray: true })
  creditCosts() {
    return this.admin.creditCosts();
  }

  @Get(both('credit-costs/:id'))
  @ApiOperation({ summary: 'Retrieve the credit cost configuration of one operation' })
  @ApiData(CreditCostDto)
  creditCost(@Param('id', IdPipe) id: number) {
    return this.admin.creditCost(id);
  }

  @Patch(both('credit-costs/:id'))
  @ApiOperation({ summary: 'Change the credit cost configuration of one operation' })
  @ApiBody({ type: CreditCostUpdateDto })
  @ApiData(CreditCostDto)
  updateCreditCost(@Param('id', IdPipe) id: number, @BodyAs(CreditCostUpdateDto) body: CreditCostUpdateDto) {
    return this.admin.updateCreditCost(id, body);
  }

  @Get(both('credit-packages'))
  @ApiOperation({ summary: 'Every credit package, active or not' })
  @ApiListQuery(CREDIT_PACKAGES_LIST)
  @ApiPaginated(CreditPackageDto)
  packages(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.admin.listPackages(query, request);
  }

  @Post(both('credit-packages'))
  @ApiOperation({ summary: 'Create a credit package' })
  @ApiBody({ type: CreditPackageCreateDto })
  @ApiData(CreditPackageDto, { status: 201 })
  createPackage(@BodyAs(CreditPackageCreateDto) body: CreditPackageCreateDto) {
    return this.admin.createPackage(body);
  }

  @Get(both('credit-packages/:id'))
  @ApiOperation({ summary: 'Retrieve a credit package' })
  @ApiData(CreditPackageDto)
  package(@Param('id', IdPipe) id: number) {
    return this.admin.getPackage(id);
  }

  @Patch(both('credit-packages/:id'))
  @ApiOperation({ summary: 'Update a credit package' })
  @ApiBody({ type: CreditPackageUpdateDto })
  @ApiData(CreditPackageDto)
  updatePackage(
    @Param('id', IdPipe) id: number,
    @BodyAs(CreditPackageUpdateDto) body: CreditPackageUpdateDto,
  ) {
    return this.admin.updatePackage(id, body);
  }

  @Delete(both('credit-packages/:id'))
  @ApiOperation({ summary: 'Delete a credit package (its invoices keep their lines)' })
  @ApiData(null, { description: 'Deleted' })
  async removePackage(@Param('id', IdPipe) id: number): Promise<WithMessage<null>> {
    await this.admin.removePackage(id);
    return DELETED;
  }
}
