import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/** `npm run test:sdk`: the generated-client check, kept out of the main suite (CI runs it as its own step). */
export default defineConfig((env) => {
  const config = base(env);
  return {
    ...config,
    root: fileURLToPath(new URL('../..', import.meta.url)),
    test: { ...config.test, include: ['test/sdk/*.sdk-spec.ts'] },
  };
});
