import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

const HERE = import.meta.dirname;
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/**
 * The SDK check: the app listens on a real port; its served schema becomes TypeScript types
 * (openapi-typescript, into the git-ignored `generated/`); `client.ts` must type-check against them
 * and then run against the app with openapi-fetch.
 */
describe('generated TypeScript client', () => {
  let t: TestApp;
  let baseUrl: string;
  beforeAll(async () => {
    t = await createTestApp({ redis: false });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => t.close());

  it('type-checks against the served schema and runs against the app', async () => {
    const served = await fetch(`${baseUrl}/api/schema/`);
    expect(served.status).toBe(200);
    mkdirSync(join(HERE, 'generated'), { recursive: true });
    // `defaultNonNullable: false`: a field with a default stays optional in request bodies (the
    // generator's default makes it required, openapi-typescript issue 2012).
    const types = await openapiTS(await served.text(), { defaultNonNullable: false });
    writeFileSync(join(HERE, 'generated', 'schema.d.ts'), astToString(types));

    const tsc = spawnSync(process.execPath, [TSC, '-p', join(HERE, 'tsconfig.json')], { encoding: 'utf8' });
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.status).toBe(0);

    // Loaded by path: the main typecheck leaves the client to `tsc -p test/sdk` (it needs the generated types).
    const client = (await import(pathToFileURL(join(HERE, 'client.ts')).href)) as {
      runScenario(baseUrl: string): Promise<Record<string, unknown>>;
    };
    const result = await client.runScenario(baseUrl);
    expect(result.siteId).toBeGreaterThan(0);
    expect(result.keywordCount).toBe(0);
    expect(result.taskTitle).toMatch(/^Article \d+$/);
    expect(result.validationCode).toBe('validation_error');
    expect(result.validationFields).toContain('page_size');
  });
});
