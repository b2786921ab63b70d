import { exitOnStartupError } from './config/startup-error.js';
import { exitGracefullyOn, loadConfigOrExit, releaseStartupMemory } from './entry-point.js';

const config = loadConfigOrExit();
if (!config.redis.url) {
  process.stderr.write(
    'The worker needs REDIS_URL. Without Redis, jobs run inside the API process (npm start).\n',
  );
  process.exit(1);
}
// The application's modules load once the configuration is accepted: a refused one exits at once.
await import('reflect-metadata');
const [{ NestFactory }, { Logger }, { AppModule }, { BullWorker }] = await Promise.all([
  import('@nestjs/core'),
  import('nestjs-pino'),
  import('./app.module.js'),
  import('./common/jobs/bull-worker.js'),
]);
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
releaseStartupMemory();
