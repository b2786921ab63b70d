// npm run test:fuzz -- [--runs N] [--seed S]: the fuzz suite (test/fuzz) with more requests per operation.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' } } });
const env = { ...process.env };
if (values.runs) env.FUZZ_RUNS = values.runs;
if (values.seed) env.FUZZ_SEED = values.seed;
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz', '--maxWorkers=1'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
