import type { TestProject } from 'vitest/node';
import { cachedTemplate } from '../../src/database/embedded-template.js';
import { dropTemplate, prepareTemplate, templateName } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
    /** Path of the migrated embedded data directory (a tar archive) when there is no TEST_DATABASE_URL. */
    embeddedTemplate: string;
    /** Random operations of the isolation property test (vitest.config.ts). */
    isolationRuns: number;
  }
}

/**
 * The migrated template of the run: a database on the server made for this run and removed at the end
 * (runs may overlap on a shared server), or the embedded PostgreSQL's data directory of these
 * migrations, kept in the cache folder for the next runs.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    project.provide('embeddedTemplate', await cachedTemplate());
    return undefined;
  }
  const name = templateName();
  await prepareTemplate(serverUrl, name);
  project.provide('templateDb', name);
  return () => dropTemplate(serverUrl, name);
}
