// Preloaded into our server by bench/list.mjs (`node --import ./bench/sql-trace.mjs dist/main.js`):
// records every SQL statement the app sends through `pg` (text and values) until the process
// receives SIGUSR2, then writes them (in order, as `[epoch ms, text, values]`) to
// BENCH_SQL_TRACE_FILE and restores the original `query`, so the measured rounds run unpatched.
// bench/list.mjs reports how many statements each list request ran and, with `--explain`, shows
// their plans.
import { renameSync, writeFileSync } from 'node:fs';
import pg from 'pg';

const file = process.env.BENCH_SQL_TRACE_FILE;
if (file) {
  const original = pg.Client.prototype.query;
  const seen = [];
  pg.Client.prototype.query = function traced(config, ...rest) {
    const text = typeof config === 'string' ? config : config?.text;
    const values = typeof config === 'string' ? rest[0] : config?.values;
    if (typeof text === 'string') seen.push([Date.now(), text, Array.isArray(values) ? values : undefined]);
    return original.call(this, config, ...rest);
  };
  process.on('SIGUSR2', () => {
    pg.Client.prototype.query = original;
    writeFileSync(`${file}.part`, JSON.stringify(seen));
    renameSync(`${file}.part`, file);
  });
}
