import { exitOnStartupError } from './config/startup-error.js';
import { exitGracefullyOn, loadConfigOrExit, releaseStartupMemory } from './entry-point.js';

const config = loadConfigOrExit();
// The application's modules load once the configuration is accepted: a refused one exits at once.
const { createApp } = await import('./bootstrap.js');
const app = await createApp(config).catch(exitOnStartupError);
exitGracefullyOn(() => app.close());
await app.listen({ port: config.http.port, host: config.http.host });
releaseStartupMemory();
