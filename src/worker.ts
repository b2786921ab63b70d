import { enableCompileCache } from './compile-cache.js';

// The worker process itself is worker-process.ts. The build bundles it with the packages it loads into
// one file (scripts/bundle.mjs, docs/performance.md#start-up); the compile cache is on before it loads.
enableCompileCache();
await import('./worker-process.js');
