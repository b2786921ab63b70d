import type { TestProject } from 'vitest/node';
import { dropTemplate, prepareTemplate, templateName } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}

/** One migrated template per test run (runs may overlap on a shared server), dropped at the end. */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return;
  const name = templateName();
  await prepareTemplate(serverUrl, name);
  project.provide('templateDb', name);
  return () => dropTemplate(serverUrl, name);
}
