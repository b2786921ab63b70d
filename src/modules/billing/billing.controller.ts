import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  StreamableFile,
} from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Roles, SkipAccountGate } from '../../common/auth/auth.decorators.js';
import { Public } from '../../common/auth/public.decorator.js';
import { Idempotent } from '../../common/idempotency/idempotent.decorator.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { DELETED, type WithMessage } from '../../common/http/responses.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiListQuery, type RawQuery } from '../../common/list/index.js';
import { queryValue } from '../../common/list/list-query.js';
import { ApiData, ApiPaginated } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { BillingPurchases } from './billing-purchases.service.js';
import {
  AvailablePaymentMethodDto,
  BillingSubscriptionDto,
  ChangePlanDto,
  CreditPackageDto,
  InvoiceDto,
  ManualPaymentDto,
  PaymentDto,
  PaymentMethodCreateDto,
  PaymentMethodDto,
  PaymentMethodUpdateDto,
  PurchaseDto,
  PurchaseResultDto,
} from './dto/billing.dto.js';
import { INVOICES_LIST, InvoicesService, PAYMENTS_LIST } from './invoices.service.js';
import { ManualPayments } from './manual-payments.service.js';
import { PAYMENT_METHODS_LIST, PaymentMethodsService } from './payment-methods.service.js';

const OWN = 'Your own account only (developers too); another account’s id is 404.';

/**
 * The account's billing (`billing/`): invoices and their PDFs, payments and manual payments, payment
 * methods, credit packages and the subscription (docs/billing.md). Exempt from the account gate, so
 * a `pending_payment` account can pay; never with a site API key.
 */
@ApiTags('billing')
@Controller('api/v1/billing')
@UseThrottler('billing')
@SkipAccountGate()
export class BillingController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly manual: ManualPayments,
    private readonly methods: PaymentMethodsService,
    private readonly purchases: BillingPurchases,
  ) {}

  @Get('invoices')
  @Roles('admin')
  @ApiOperation({ summary: "List the account's invoices", description: OWN })
  @ApiListQuery(INVOICES_LIST)
  @ApiPaginated(InvoiceDto)
  listInvoices(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.invoices.listInvoices(query, request);
  }

  @Get('invoices/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Retrieve an invoice', description: OWN })
  @ApiData(InvoiceDto)
  invoice(@Param('id', IdPipe) id: number) {
    return this.invoices.invoice(id);
  }

  @Get('invoices/:id/download_pdf')
  @Roles('admin')
  @ApiOperation({ summary: 'The invoice as a PDF (`<invoice_number>.pdf`)', description: OWN })
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: 'The PDF (Content-Disposition: attachment)',
    schema: { type: 'string', format: 'binary' },
  })
  async downloadPdf(@Param('id', IdPipe) id: number): Promise<StreamableFile> {
    const { bytes, filename } = await this.invoices.pdf(id);
    return new StreamableFile(Buffer.from(bytes), {
      type: 'application/pdf',
      disposition: `attachment; filename="${filename}"`,
    });
  }

  @Get('payments')
  @Roles('admin')
  @ApiOperation({ summary: "List the account's payments", description: OWN })
  @ApiListQuery(PAYMENTS_LIST)
  @ApiPaginated(PaymentDto)
  listPayments(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.invoices.listPayments(query, request);
  }

  @Get('payments/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Retrieve a payment', description: OWN })
  @ApiData(PaymentDto)
  payment(@Param('id', IdPipe) id: number) {
    return this.invoices.payment(id);
  }

  @Post('payments/manual')
  @Roles('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Submit a manual payment (bank transfer, wallet) for approval',
    description:
      'Creates a `pending_approval` payment for one of your pending invoices. A paid invoice answers 400 ' +
      '`invoice_already_paid`; a payment already awaiting approval 409 `conflict`; a method not offered in ' +
      "the account's country 400 on `payment_method`.",
  })
  @ApiBody({ type: ManualPaymentDto })
  @ApiData(PaymentDto, { status: 201 })
  submitManual(@BodyAs(ManualPaymentDto) body: ManualPaymentDto) {
    return this.manual.submit(body);
  }

  @Get('payment-methods/available')
  @Roles('viewer')
  @ApiOperation({ summary: 'The payment methods offered in a country (default: your billing country)' })
  @ApiQuery({ name: 'country', required: false, description: 'ISO 3166-1 alpha-2' })
  @ApiData(AvailablePaymentMethodDto, { isArray: true })
  available(@Query() query: RawQuery) {
    return this.methods.available(queryValue(query, 'country'));
  }

  @Get('payment-methods')
  @Roles('admin')
  @ApiOperation({ summary: "List the account's payment methods on file" })
  @ApiListQuery(PAYMENT_METHODS_LIST)
  @ApiPaginated(PaymentMethodDto)
  listMethods(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.methods.list(query, request);
  }

  @Post('payment-methods')
  @Roles('admin')
  @ApiOperation({ summary: 'Add a payment method (non-sensitive details only: brand, last4, PayPal email)' })
  @ApiBody({ type: PaymentMethodCreateDto })
  @ApiData(PaymentMethodDto, { status: 201 })
  createMethod(@BodyAs(PaymentMethodCreateDto) body: PaymentMethodCreateDto) {
    return this.methods.create(body);
  }

  @Get('payment-methods/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Retrieve a payment method' })
  @ApiData(PaymentMethodDto)
  method(@Param('id', IdPipe) id: number) {
    return this.methods.get(id);
  }

  @Patch('payment-methods/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Update a payment method' })
  @ApiBody({ type: PaymentMethodUpdateDto })
  @ApiData(PaymentMethodDto)
  updateMethod(
    @Param('id', IdPipe) id: number,
    @BodyAs(PaymentMethodUpdateDto) body: PaymentMethodUpdateDto,
  ) {
    return this.methods.update(id, body);
  }

  @Delete('payment-methods/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a payment method' })
  @ApiData(null, { description: 'Deleted' })
  async removeMethod(@Param('id', IdPipe) id: number): Promise<WithMessage<null>> {
    await this.methods.remove(id);
    return DELETED;
  }

  @Post('payment-methods/:id/set_default')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: "Make it the account's default payment method (the others lose the flag)" })
  @ApiData(PaymentMethodDto)
  setDefault(@Param('id', IdPipe) id: number) {
    return this.methods.setDefault(id);
  }

  @Get('credit-packages')
  @Roles('viewer')
  @ApiOperation({ summary: 'The active credit packages' })
  @ApiData(CreditPackageDto, { isArray: true })
  creditPackages() {
    return this.purchases.creditPackages();
  }

  @Post('credit-packages/:id/purchase')
  @Roles('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Buy a credit package: an invoice and how to pay it',
    description:
      '`next_action` is `{type: "redirect", checkout_url}` for Stripe and PayPal (`checkout_url` null, with a ' +
      'message, when the provider is not configured) or `{type: "manual", instructions, details}`. A plan ' +
      'without top-ups answers 403. The credits join the bonus pool when the invoice is paid.',
  })
  @ApiBody({ type: PurchaseDto })
  @ApiData(PurchaseResultDto, { status: 201 })
  purchase(@Param('id', IdPipe) id: number, @BodyAs(PurchaseDto) body: PurchaseDto) {
    return this.purchases.purchasePackage(id, body.payment_method);
  }

  @Get('subscriptions/current')
  @Roles('viewer')
  @ApiOperation({ summary: "The account's subscription with its plan" })
  @ApiData(BillingSubscriptionDto)
  currentSubscription() {
    return this.purchases.current();
  }

  @Post('subscriptions/change_plan')
  @Roles('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Change plan: an invoice for the new plan and how to pay it',
    description:
      'The plan changes when the invoice is paid (a new period starts, plan credits are reset). Any other ' +
      'pending subscription invoice is voided. The same, a free, an internal or an inactive plan answers 400.',
  })
  @ApiBody({ type: ChangePlanDto })
  @ApiData(PurchaseResultDto, { status: 201 })
  changePlan(@BodyAs(ChangePlanDto) body: ChangePlanDto) {
    return this.purchases.changePlan(body.plan_slug.trim(), body.payment_method);
  }

  @Post('subscriptions/cancel')
  @HttpCode(200)
  @Roles('owner')
  @ApiOperation({ summary: 'Cancel at the end of the current period' })
  @ApiData(BillingSubscriptionDto)
  cancel() {
    return this.purchases.cancel();
  }

  @Post('subscriptions/resume')
  @HttpCode(200)
  @Roles('owner')
  @ApiOperation({ summary: 'Undo a cancellation, before the period ends' })
  @ApiData(BillingSubscriptionDto)
  resume() {
    return this.purchases.resume();
  }
}

/** `billing/payment-configs/`: what can be used to pay, before signing up. */
@ApiTags('billing')
@Controller('api/v1/billing/payment-configs')
@UseThrottler('billing')
export class PaymentConfigsController {
  constructor(private readonly methods: PaymentMethodsService) {}

  @Get('payment-methods')
  @Public()
  @ApiOperation({ summary: 'The payment methods offered in a country (default: every country)' })
  @ApiQuery({ name: 'country', required: false, description: 'ISO 3166-1 alpha-2' })
  @ApiData(AvailablePaymentMethodDto, { isArray: true })
  paymentMethods(@Query() query: RawQuery) {
    return this.methods.available(queryValue(query, 'country') ?? '*');
  }
}
