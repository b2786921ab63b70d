/**
 * A reason to refuse to start that the user can act on (bad configuration, a database out of step
 * with the code): the entry points print its message without a stack trace and exit with code 1.
 */
export class StartupError extends Error {}

/**
 * Ends a start-up that failed with exit code 1: a `StartupError` with its message alone, anything
 * else with its stack.
 */
export function exitOnStartupError(error: unknown): never {
  const text = error instanceof StartupError ? error.message : error instanceof Error ? error.stack : error;
  process.stderr.write(`${String(text)}\n`);
  process.exit(1);
}
