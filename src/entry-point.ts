import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AppConfig } from './config/app-config.js';
import { exitOnStartupError } from './config/startup-error.js';

// What the entry points (main.ts, worker.ts) do around the application. Kept apart from the
// application's modules, so that a refused configuration exits before they are loaded.

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

/**
 * Hands back the memory start-up used and no request needs, once, `delayMs` after the process is up:
 * a memory-reducing full collection. Loading and wiring the application grows V8's young generation
 * to its largest size (tens of MB, kept while the process idles) and leaves the old generation
 * sparse; the collection shrinks both (docs/performance.md#start-up). The `gc` function it needs is
 * taken from a fresh context, so the application's own global object never gets one.
 */
export function releaseStartupMemory(delayMs = 1000): void {
  setTimeout(() => {
    try {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as (options: object) => void;
      gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    } catch {
      // Only memory is at stake.
    }
  }, delayMs).unref();
}
