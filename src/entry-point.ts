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
