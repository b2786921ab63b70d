// Preloaded into our server by bench/list.mjs (`node --import ./bench/sql-trace.mjs dist/main.js`):
// records the text of every SQL statement the app sends through `pg` until the process receives
// SIGUSR2, then writes them (in order, as `[epoch ms, text]` pairs) to BENCH_SQL_TRACE_FILE and restores the
// original `query`, so the measured rounds run unpatched. bench/list.mjs compares the statements of
// the list request with the ones the baseline runs (bench/baseline-sql.mjs).
import { renameSync, writeFileSync } from 'node:fs';
import pg from 'pg';

const file = process.env.BENCH_SQL_TRACE_FILE;
if (file) {
  const original = pg.Client.prototype.query;
  const seen = [];
  pg.Client.prototype.query = function traced(config, ...rest) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') seen.push([Date.now(), text]);
    return original.call(this, config, ...rest);
  };
  process.on('SIGUSR2', () => {
    pg.Client.prototype.query = original;
    writeFileSync(`${file}.part`, JSON.stringify(seen));
    renameSync(`${file}.part`, file);
  });
}
