/**
 * The clock of the publishing scheduler and of manual scheduling (tests replace it): slots are
 * found after its `now()`, content is due when its time is at or before it.
 */
export abstract class PublishingClock {
  abstract now(): Date;
}

export class SystemPublishingClock extends PublishingClock {
  now(): Date {
    return new Date();
  }
}
