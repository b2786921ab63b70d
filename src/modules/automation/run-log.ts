import { Injectable } from '@nestjs/common';
import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppConfig } from '../../config/app-config.js';

export interface RunLogPlace {
  account_id: number;
  site_id: number;
  run_id: string;
}

/** The most bytes read from the end of a run log for `logs/`. */
const TAIL_BYTES = 1024 * 1024;

/**
 * The log file of each run (docs/automation.md#observability): `<LOG_DIR>/automation/{account_id}/{site_id}/{run_id}.log`,
 * one line per event, `[<ISO timestamp>] [STAGE <n>] <message>`.
 */
@Injectable()
export class RunLog {
  constructor(private readonly config: AppConfig) {}

  path(run: RunLogPlace): string {
    return join(
      this.config.log.dir,
      'automation',
      String(run.account_id),
      String(run.site_id),
      `${run.run_id}.log`,
    );
  }

  async write(run: RunLogPlace, stage: number, message: string): Promise<void> {
    const file = this.path(run);
    await mkdir(dirname(file), { recursive: true });
    await appendFile(
      file,
      `[${new Date().toISOString()}] [STAGE ${stage}] ${message.replace(/\s+/g, ' ')}\n`,
    );
  }

  /** The last `lines` lines, oldest first ([] when the run has no log yet). */
  async tail(run: RunLogPlace, lines: number): Promise<string[]> {
    let handle;
    try {
      handle = await open(this.path(run), 'r');
    } catch {
      return [];
    }
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - TAIL_BYTES);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      const all = buffer.toString('utf8').split('\n').filter(Boolean);
      if (start > 0) all.shift();
      return all.slice(-lines);
    } finally {
      await handle.close();
    }
  }
}
