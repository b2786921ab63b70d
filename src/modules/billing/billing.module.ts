import { Global, Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { AccountUsageController } from './account-usage.controller.js';
import { CreditLedger } from './credit-ledger.service.js';
import { CreditMeter } from './credit-meter.service.js';
import { CreditsController } from './credits.controller.js';
import { CreditsReadService } from './credits-read.service.js';
import { OwnAccountRows } from './own-account-rows.js';
import { UsageReportsService } from './usage-reports.service.js';

/** Billing and credits: the credit ledger (the only caller changing the pools, through identity's AccountCredits), AI credit metering and the credit reads. */
@Global()
@Module({
  imports: [IdentityModule],
  controllers: [CreditsController, AccountUsageController],
  providers: [CreditLedger, CreditMeter, OwnAccountRows, CreditsReadService, UsageReportsService],
  exports: [CreditLedger, CreditMeter],
})
export class BillingModule {}
