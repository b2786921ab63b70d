import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClsService } from 'nestjs-cls';
import { createStream, RotatingFileStream } from 'rotating-file-stream';
import { AppConfig } from '../../config/app-config.js';
import { type RequestContextStore } from '../context/request-context.js';
import { redact } from './redaction.js';

export const LOG_CHANNELS = ['publish-sync', 'wordpress-api', 'webhooks'] as const;
export type LogChannel = (typeof LOG_CHANNELS)[number];

/** Rotating JSON-lines files for the publishing, WordPress and webhook trails (README.md#logging). */
@Injectable()
export class ChannelLogger implements OnApplicationShutdown {
  private readonly streams = new Map<LogChannel, RotatingFileStream>();

  constructor(
    private readonly config: AppConfig,
    private readonly cls: ClsService<RequestContextStore>,
  ) {}

  info(channel: LogChannel, msg: string, fields: Record<string, unknown> = {}): void {
    this.write(channel, 'info', msg, fields);
  }

  error(channel: LogChannel, msg: string, fields: Record<string, unknown> = {}): void {
    this.write(channel, 'error', msg, fields);
  }

  /** Resolves once everything written so far has reached the files. */
  async flush(): Promise<void> {
    await Promise.all(
      [...this.streams.values()].map(
        (stream) =>
          new Promise<void>((done) => (stream.writableNeedDrain ? stream.once('drain', done) : done())),
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [...this.streams.values()].map((stream) => new Promise<void>((done) => stream.end(() => done()))),
    );
    this.streams.clear();
  }

  private write(
    channel: LogChannel,
    level: 'info' | 'error',
    msg: string,
    fields: Record<string, unknown>,
  ): void {
    const principal = this.cls.isActive() ? this.cls.get('principal') : undefined;
    const line = {
      time: new Date().toISOString(),
      level,
      channel,
      reqId: this.cls.isActive() ? this.cls.get('requestId') : undefined,
      accountId: principal?.accountId,
      userId: principal?.userId,
      msg,
      ...(redact(fields) as Record<string, unknown>),
    };
    this.stream(channel).write(`${JSON.stringify(line)}\n`);
  }

  private stream(channel: LogChannel): RotatingFileStream {
    let stream = this.streams.get(channel);
    if (!stream) {
      const dir = resolve(this.config.log.dir);
      mkdirSync(dir, { recursive: true });
      stream = createStream(`${channel}.log`, {
        path: dir,
        size: this.config.log.rotateSize,
        maxFiles: this.config.log.rotateFiles,
      });
      this.streams.set(channel, stream);
    }
    return stream;
  }
}
