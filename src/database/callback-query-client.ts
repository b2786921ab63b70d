import pg from 'pg';

type QueryCallback = (error: Error | null, result?: unknown) => void;
type LooseQuery = (this: pg.Client, config: unknown, values?: unknown, callback?: QueryCallback) => unknown;

const isSubmittable = (config: unknown): boolean =>
  typeof (config as { submit?: unknown } | null)?.submit === 'function';

/**
 * The pool's client: its promise-style `query(text, values)` (TypeORM's) runs pg's callback form
 * under a promise of its own. pg's promise form builds its `Query` without a callback and sets one
 * afterwards; under load that kept every result alive through V8's young-generation collections
 * until the next full one (docs/performance.md#garbage-collection). Calls with a callback and
 * submittables (cursors, streams) are pg's own. The parent `query` is looked up at each call, so a
 * wrapper put on `pg.Client.prototype` from outside (the benchmark's statement trace) still sees
 * every statement.
 */
export class CallbackQueryClient extends pg.Client {}

const query: LooseQuery = function (config, values, callback) {
  const parentQuery = Reflect.get(pg.Client.prototype, 'query') as LooseQuery;
  if (callback !== undefined || typeof values === 'function' || isSubmittable(config)) {
    return parentQuery.call(this, config, values, callback);
  }
  return new Promise((resolve, reject) => {
    parentQuery.call(this, config, values, (error, result) => (error ? reject(error) : resolve(result)));
  });
};
Object.defineProperty(CallbackQueryClient.prototype, 'query', {
  value: query,
  writable: true,
  configurable: true,
});
