/** How a run of a Passport strategy ended: `success` (its user) or `fail` (its challenge). */
export type StrategyOutcome<U> = { user: U; info?: unknown } | { user: false; info?: unknown };

/** A Passport strategy: its `authenticate(request, options)` reports through the run's actions. */
export interface PassportStrategyLike {
  authenticate(request: never, options?: never): unknown;
}

interface RunnableStrategy {
  authenticate(request: unknown, options: { session: false }): void;
}

/**
 * Runs a Passport strategy as Passport's `authenticate` middleware does: the strategy's
 * `authenticate(request, options)` is called on an object that inherits from the strategy and carries
 * the actions (`success`, `fail`, `error`, `pass`, `redirect`). `success` and `fail` settle the run;
 * `error` rejects it with the strategy's error (an `Error` around anything else), and `pass` or
 * `redirect`, which none of ours calls, reject it too. `name` names the strategy in those errors
 * (the caller's name for it: every passport-custom strategy calls itself "custom").
 *
 * The middleware builds that object for every request with `Object.create(strategy)` and assigns the
 * actions to it as new closures. V8 then keeps whatever those closures reach (the request, its reply,
 * the user) alive through young-generation collections, so every authenticated request's objects were
 * promoted to the old generation (docs/performance.md#garbage-collection). Here the actions are
 * methods of a class made once per strategy, whose prototype inherits from the strategy, and each run
 * is an instance of it.
 */
export function strategyRunner<U>(
  strategy: PassportStrategyLike,
  name: string,
): (request: unknown) => Promise<StrategyOutcome<U>> {
  class StrategyRun {
    constructor(
      private readonly settle: (outcome: StrategyOutcome<U>) => void,
      private readonly abort: (error: unknown) => void,
    ) {}

    success(user: U, info?: unknown): void {
      this.settle({ user, info });
    }

    fail(challenge?: unknown): void {
      this.settle({ user: false, info: challenge });
    }

    error(error: unknown): void {
      this.abort(
        error instanceof Error ? error : new Error(`passport: strategy "${name}" failed`, { cause: error }),
      );
    }

    pass(): void {
      this.abort(new Error(`passport: strategy "${name}" passed`));
    }

    redirect(): void {
      this.abort(new Error(`passport: strategy "${name}" redirected`));
    }
  }
  Object.setPrototypeOf(StrategyRun.prototype, strategy);
  return (request) =>
    new Promise((resolve, reject) => {
      (new StrategyRun(resolve, reject) as unknown as RunnableStrategy).authenticate(request, {
        session: false,
      });
    });
}
