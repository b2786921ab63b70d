import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { exitGracefullyOn, loadConfigOrExit } from './bootstrap.js';
import { BullWorker } from './common/jobs/bull-worker.js';
import { exitOnStartupError } from './config/startup-error.js';

const config = loadConfigOrExit();
if (!config.redis.url) {
  process.stderr.write(
    'The worker needs REDIS_URL. Without Redis, jobs run inside the API process (npm start).\n',
  );
  process.exit(1);
}
const app = await NestFactory.createApplicationContext(AppModule.register(config, { worker: true }), {
  bufferLogs: true,
  abortOnError: false,
}).catch(exitOnStartupError);
app.useLogger(app.get(Logger));
const worker = app.get(BullWorker);
exitGracefullyOn(async () => {
  await worker.close();
  await app.close();
});
await worker.registerRepeatableJobs();
app.get(Logger).log('Worker started', 'Worker');
