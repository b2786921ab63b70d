import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { configureHttp, createFastifyAdapter } from './common/http/http-setup.js';
import { setupOpenApi } from './common/openapi/docs.js';
import type { AppConfig } from './config/app-config.js';

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
