/** Marker types a controller returns; the envelope (`envelope.ts`) turns them into the envelope shapes. */

export class Paginated<T> {
  constructor(
    readonly count: number,
    readonly next: string | null,
    readonly previous: string | null,
    readonly results: T[],
  ) {}
}

/** `{success, data, message}` with a message. */
export class WithMessage<T> {
  constructor(
    readonly data: T,
    readonly message: string,
  ) {}
}

/** 202 `{success, data: {task_id, …}, message: "Task queued."}`. */
export class Accepted<T extends { task_id: string }> {
  readonly message = 'Task queued.';
  constructor(readonly data: T) {}
}

/** Flat body (no `data`), e.g. ping and health: `{success, ...fields, request_id}`. */
export class Flat {
  constructor(
    readonly fields: Record<string, unknown>,
    readonly status = 200,
    readonly success = true,
  ) {}
}

export const DELETED = new WithMessage(null, 'Deleted.');
