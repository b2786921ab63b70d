/** A failure worth retrying (provider 429/5xx, network); the `ai` queue retries only these. */
export class TransientJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientJobError';
  }
}

/** A failure that must not be retried (bad envelope, hard time limit). */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** The job could not be put on its queue (Redis unreachable or not answering). */
export class QueueUnavailableError extends Error {
  constructor(queue: string, cause?: unknown) {
    super(`The "${queue}" queue is unavailable`, { cause });
    this.name = 'QueueUnavailableError';
  }
}
