import module from 'node:module';

/**
 * Turns on Node's on-disk compile cache (`module.enableCompileCache`, Node 22.1+) for the modules
 * loaded after the call: a later start reuses the V8 code compiled by an earlier one instead of
 * compiling the application and its dependencies again. The entry points call it first and load
 * everything else with `import()`, so nothing escapes it. `NODE_COMPILE_CACHE` chooses the directory
 * (default: the system temporary directory) and `NODE_DISABLE_COMPILE_CACHE=1` turns it off; on a Node
 * without it this does nothing.
 */
export function enableCompileCache(): void {
  const enable = (module as { enableCompileCache?: (directory?: string) => unknown }).enableCompileCache;
  try {
    enable?.(process.env.NODE_COMPILE_CACHE || undefined);
  } catch {
    // A cache that cannot be written (read-only file system) only costs the compilation it saves.
  }
}
