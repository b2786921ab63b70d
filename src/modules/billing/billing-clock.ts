/**
 * The clock of the renewal jobs (docs/billing.md#renewals): periods end, notices fall due and
 * suspensions happen against its `now()`. Tests replace it to move time.
 */
export abstract class BillingClock {
  abstract now(): Date;
}

export class SystemBillingClock extends BillingClock {
  now(): Date {
    return new Date();
  }
}
