/**
 * The time scheduled work reads (the automation scheduler, publishing slots and due items, renewals):
 * one injectable clock, so a test can move time for the jobs without touching the wall clock.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
