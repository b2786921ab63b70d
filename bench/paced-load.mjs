// Open-loop load at a fixed rate, for the half-load rounds of bench/list.mjs.
//
// autocannon's `overallRate` is no use there: each connection sends its share of a second's requests
// back to back when the second starts, then waits for the next one, so "400 req/s" arrives as 400
// requests at full concurrency in the first tens of milliseconds of every second (bench/README.md).
// Here request i is due at start + i / rate, sent at once over up to `connections` keep-alive
// connections (queued for a free one when all are busy), and its latency runs from when it was due to
// the end of its answer: a server that stalls is charged for every request that came due meanwhile,
// with no coordinated omission and no correction.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const REQUEST_TIMEOUT_MS = 10_000;

/** Nearest-rank percentile of sorted values, in ms rounded to 0.1. */
function percentile(sorted, p) {
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return Math.round(value * 10) / 10;
}

/**
 * GETs `path` on `url` `rate` times a second for `seconds`, cycling through `tokens` as bearer tokens.
 * Resolves when every answer is in: { rps, p50, p99, total, bad } (bad: non-2xx, errors, timeouts).
 */
export function pacedLoad({ url, path, tokens, seconds, rate, connections }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const { hostname, port } = new URL(url);
  const total = Math.max(1, Math.round(seconds * rate));
  const latencies = new Float64Array(total);
  const start = performance.now();
  let sent = 0;
  let answered = 0;
  let bad = 0;
  return new Promise((resolve) => {
    const settle = (index, due, ok) => {
      latencies[index] = performance.now() - due;
      if (!ok) bad++;
      if (++answered < total) return;
      agent.destroy();
      const sorted = latencies.sort();
      resolve({
        rps: total / ((performance.now() - start) / 1000),
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        total,
        bad,
      });
    };
    const send = (index) => {
      const due = start + (index * 1000) / rate;
      let settled = false;
      const done = (ok) => {
        if (settled) return;
        settled = true;
        settle(index, due, ok);
      };
      const headers = { authorization: `Bearer ${tokens[index % tokens.length]}` };
      const request = http.request({ agent, hostname, port, path, headers }, (response) => {
        response.resume();
        response.once('end', () => done(response.statusCode >= 200 && response.statusCode < 300));
        response.once('error', () => done(false));
      });
      request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error('timeout')));
      request.once('error', () => done(false));
      request.end();
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due) send(sent++);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}
