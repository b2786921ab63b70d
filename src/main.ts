import { createApp, exitGracefullyOn, loadConfigOrExit } from './bootstrap.js';
import { exitOnStartupError } from './config/startup-error.js';

const config = loadConfigOrExit();
const app = await createApp(config).catch(exitOnStartupError);
exitGracefullyOn(() => app.close());
await app.listen({ port: config.http.port, host: config.http.host });
