import { Global, Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { AccountUsageController } from './account-usage.controller.js';
import { BillingAdminController } from './billing-admin.controller.js';
import { BillingAdmin } from './billing-admin.service.js';
import { BillingCheckout } from './billing-checkout.service.js';
import { BillingMail } from './billing-mail.js';
import { BillingController, PaymentConfigsController } from './billing.controller.js';
import { BillingPurchases } from './billing-purchases.service.js';
import { CreditLedger } from './credit-ledger.service.js';
import { CreditMeter } from './credit-meter.service.js';
import { CreditsController } from './credits.controller.js';
import { CreditsReadService } from './credits-read.service.js';
import { InvoiceDeadlines } from './invoice-deadlines.jobs.js';
import { InvoiceIssuer } from './invoice-issuer.js';
import { InvoicePayments } from './invoice-payments.service.js';
import { PaymentSettings } from './gateways/payment-settings.js';
import { PayPalGateway } from './gateways/paypal.gateway.js';
import { ProviderPaymentGateways } from './gateways/provider-payment-gateways.js';
import { StripeGateway } from './gateways/stripe.gateway.js';
import { PaymentGateways } from './payment-gateways.js';
import { PaymentWebhooksController } from './webhooks/payment-webhooks.controller.js';
import { PayPalEvents } from './webhooks/paypal-events.js';
import { ProviderEffects } from './webhooks/provider-effects.js';
import { StripeEvents } from './webhooks/stripe-events.js';
import { WebhookInbox } from './webhooks/webhook-inbox.js';
import { InvoicesService } from './invoices.service.js';
import { ManualPayments } from './manual-payments.service.js';
import { PaymentMethodCatalog } from './payment-method-catalog.js';
import { PaymentMethodsService } from './payment-methods.service.js';
import { OwnAccountRows } from './own-account-rows.js';
import { BillingRenewals } from './renewals.jobs.js';
import { UsageReportsService } from './usage-reports.service.js';

/**
 * Billing and credits: invoices and their payments (InvoicePayments applies a paid invoice, once),
 * the payment-method catalogue per country, the PaymentGateways port, the credit ledger (the only caller changing the pools, through identity's AccountCredits), AI credit metering and the credit reads. */
@Global()
@Module({
  imports: [IdentityModule, CatalogueModule],
  controllers: [
    CreditsController,
    AccountUsageController,
    BillingController,
    PaymentConfigsController,
    BillingAdminController,
    PaymentWebhooksController,
  ],
  providers: [
    CreditLedger,
    CreditMeter,
    OwnAccountRows,
    CreditsReadService,
    UsageReportsService,
    InvoiceIssuer,
    InvoicePayments,
    PaymentMethodCatalog,
    PaymentSettings,
    StripeGateway,
    PayPalGateway,
    WebhookInbox,
    ProviderEffects,
    StripeEvents,
    PayPalEvents,
    // Stripe Checkout Sessions and PayPal orders; an unconfigured provider answers checkout_url null.
    { provide: PaymentGateways, useClass: ProviderPaymentGateways },
    BillingCheckout,
    BillingPurchases,
    InvoicesService,
    ManualPayments,
    PaymentMethodsService,
    BillingAdmin,
    BillingMail,
    // The renewal and invoice-deadline jobs read the jobs Clock; tests replace its now().
    BillingRenewals,
    InvoiceDeadlines,
  ],
  exports: [
    CreditLedger,
    CreditMeter,
    InvoiceIssuer,
    InvoicePayments,
    PaymentGateways,
    PaymentMethodCatalog,
    BillingCheckout,
  ],
})
export class BillingModule {}
