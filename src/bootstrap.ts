import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { configureHttp, createFastifyAdapter } from './common/http/http-setup.js';
import { setupOpenApi } from './common/openapi/docs.js';
import { AppConfig } from './config/app-config.js';
import { exitOnStartupError } from './config/startup-error.js';

/** Builds the HTTP application (used by `main.ts` and by the e2e tests, which may add fixture modules). */
export async function createApp(
  config: AppConfig,
  extraModules: Type<unknown>[] = [],
): Promise<NestFastifyApplication> {
  const root = AppModule.register(config);
  root.imports = [...(root.imports ?? []), ...extraModules];
  const app = await NestFactory.create<NestFastifyApplication>(root, createFastifyAdapter(config), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  await configureHttp(app, config);
  setupOpenApi(app, config);
  await app.init();
  return app;
}

/** Reads the configuration (the environment and the env files Node loaded), or exits naming every bad variable. */
export function loadConfigOrExit(): AppConfig {
  try {
    return AppConfig.fromProcess();
  } catch (error) {
    return exitOnStartupError(error);
  }
}

/** On SIGTERM/SIGINT: run `stop` once (finish in-flight work, close connections), then exit 0. */
export function exitGracefullyOn(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown after ${signal} failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
