import { Global, Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClsService } from 'nestjs-cls';
import { LoggerModule } from 'nestjs-pino';
import { type Level, levels, type Logger as PinoInstance } from 'pino';
import { AppConfig } from '../../config/app-config.js';
import { type RequestContextStore } from '../context/request-context.js';
import { ChannelLogger } from './channel-logger.js';
import { redact, REDACT_PATHS, REDACTED, safeLogArguments } from './redaction.js';
import { RunLogger } from './run-logger.js';

type RequestWithId = IncomingMessage & { id?: string };

@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig, ClsService],
      useFactory: (config: AppConfig, cls: ClsService<RequestContextStore>) => ({
        pinoHttp: {
          level: config.log.level as Level,
          transport: config.isDevelopment
            ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
            : undefined,
          genReqId: (req: IncomingMessage) => (req as RequestWithId).id ?? '',
          customAttributeKeys: { reqId: 'reqId' },
          quietReqLogger: true,
          redact: { paths: REDACT_PATHS, censor: REDACTED },
          // Secrets nested deeper than the fixed paths above (a logged request body, say).
          formatters: { log: (object: Record<string, unknown>) => redact(object) as Record<string, unknown> },
          hooks: {
            logMethod(args: Parameters<PinoInstance['info']>, method: PinoInstance['info']) {
              method.apply(this, safeLogArguments(args) as typeof args);
            },
          },
          serializers: {
            // pino-http runs pino's error serializer first, which retypes the plain object `redact`
            // made of an error `Object`: keep that object as it was (`raw`).
            err: (err: { raw?: unknown }) => (err.raw instanceof Error ? redact(err.raw) : (err.raw ?? err)),
            req: (req: { method: string; url: string; remoteAddress?: string }) => ({
              method: req.method,
              url: req.url,
              remoteAddress: req.remoteAddress,
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          customSuccessMessage: (req: IncomingMessage, res: ServerResponse) =>
            `${req.method} ${req.url} ${res.statusCode}`,
          mixin: (_merge: object, _level: number, logger: PinoInstance) => {
            if (!cls.isActive()) return {};
            const principal = cls.get('principal');
            const fields: Record<string, unknown> = {};
            if (!('reqId' in logger.bindings())) fields.reqId = cls.get('requestId');
            if (principal) {
              fields.accountId = principal.accountId;
              fields.userId = principal.userId;
            }
            return fields;
          },
        },
        // Below info no request writes its completion line, and the mixin gives every other line
        // its request id: pino-http's child loggers per request would only cost time.
        forRoutes: levels.values[config.log.level] <= levels.values.info ? ['{*path}'] : [],
      }),
    }),
  ],
  providers: [ChannelLogger, RunLogger],
  exports: [ChannelLogger, RunLogger],
})
export class LoggingModule {}
