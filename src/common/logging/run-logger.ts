import { Injectable } from '@nestjs/common';
import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AppConfig } from '../../config/app-config.js';
import { redact } from './redaction.js';

export interface RunRef {
  accountId: number;
  siteId: number;
  runId: string;
}

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const TAIL_CHUNK = 64 * 1024;

/** One plain-text log file per automation run, `automation/<account>/<site>/<run_id>.log`, tailable by the API. */
@Injectable()
export class RunLogger {
  constructor(private readonly config: AppConfig) {}

  pathOf(ref: RunRef): string {
    if (
      !Number.isSafeInteger(ref.accountId) ||
      !Number.isSafeInteger(ref.siteId) ||
      !RUN_ID.test(ref.runId)
    ) {
      throw new Error('Invalid automation run reference');
    }
    return join(
      resolve(this.config.log.dir),
      'automation',
      String(ref.accountId),
      String(ref.siteId),
      `${ref.runId}.log`,
    );
  }

  async write(ref: RunRef, message: string, fields?: Record<string, unknown>): Promise<void> {
    const path = this.pathOf(ref);
    await mkdir(dirname(path), { recursive: true });
    const extra = fields ? ` ${JSON.stringify(redact(fields))}` : '';
    await appendFile(path, `[${new Date().toISOString()}] ${message.replace(/\r?\n/g, ' ')}${extra}\n`);
  }

  /** The last `lines` lines of the run's log (empty when the run has not logged yet). */
  async tail(ref: RunRef, lines = 100): Promise<string[]> {
    const path = this.pathOf(ref);
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const { size } = await handle.stat();
      let position = size;
      let text = '';
      while (position > 0 && text.split('\n').length <= lines + 1) {
        const length = Math.min(TAIL_CHUNK, position);
        position -= length;
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, position);
        text = buffer.toString('utf8') + text;
      }
      return text
        .split('\n')
        .filter((line) => line !== '')
        .slice(-lines);
    } finally {
      await handle.close();
    }
  }
}
