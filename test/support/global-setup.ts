import { prepareTemplate } from './database.js';

export default async function setup(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) await prepareTemplate(serverUrl);
}
