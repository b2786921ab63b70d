import { Global, Module } from '@nestjs/common';
import { CreditLedger } from './credit-ledger.service.js';

/** Billing and credits. For now: the credit ledger (the trial grant at signup uses it). */
@Global()
@Module({
  providers: [CreditLedger],
  exports: [CreditLedger],
})
export class BillingModule {}
