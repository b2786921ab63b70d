import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig(({ mode }) => ({
  // .swcrc belongs to the build (it leaves spec files out); tests compile with the tsconfig's decorator settings.
  plugins: [swc.vite({ module: { type: 'es6' }, swcrc: false })],
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // Each worker runs its files one after the other in one process, importing the application once
    // instead of once per file (most of a file's set-up time). Files share no state: each has its
    // own database and application, and what a test changes in a module it restores.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    reporters: ['default'],
    provide: {
      // `npm run test:soak` (`--mode soak`): the isolation property test's long run, SOAK_RUNS to change it.
      isolationRuns: mode === 'soak' ? Number(process.env.SOAK_RUNS ?? 10_000) : 300,
    },
  },
}));
