import { createApp, exitGracefullyOn, loadConfigOrExit } from './bootstrap.js';

const config = loadConfigOrExit();
const app = await createApp(config);
exitGracefullyOn(() => app.close());
await app.listen({ port: config.http.port, host: config.http.host });
