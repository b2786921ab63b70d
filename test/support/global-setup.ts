import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { dropTemplate, prepareEmbeddedTemplate, prepareTemplate, templateName } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
    /** Path of the migrated embedded data directory (a tarball) when there is no TEST_DATABASE_URL. */
    embeddedTemplate: string;
    /** Random operations of the isolation property test (vitest.config.ts). */
    isolationRuns: number;
  }
}

/**
 * One migrated template per test run, removed at the end: a database on the server (runs may overlap on a
 * shared server), or the embedded PostgreSQL's data directory in a temporary folder.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const dir = await mkdtemp(join(tmpdir(), 'igny8-template-'));
    const file = join(dir, 'pgdata.tar');
    await prepareEmbeddedTemplate(file);
    project.provide('embeddedTemplate', file);
    return () => rm(dir, { recursive: true, force: true });
  }
  const name = templateName();
  await prepareTemplate(serverUrl, name);
  project.provide('templateDb', name);
  return () => dropTemplate(serverUrl, name);
}
