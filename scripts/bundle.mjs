// Bundles each built process (dist/api-process.js, dist/worker-process.js) with the modules it loads
// into one file, in place: a start then reads and links one file instead of resolving and loading
// ≈ 3,000 (docs/performance.md#start-up). Run by `npm run build` after the compilation.
//
// Left outside the bundle, and loaded from node_modules as before (bundle-external.json): native
// add-ons and packages that run files beside their own code; what the application loads only on first
// use (a bundle would parse it at every start); optional packages Nest looks for and we do not install.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPTS = dirname(fileURLToPath(import.meta.url));
const DIST = join(SCRIPTS, '..', 'dist');
const ENTRY_POINTS = ['api-process.js', 'worker-process.js'];

const EXTERNAL = Object.values(
  JSON.parse(await readFile(join(SCRIPTS, 'bundle-external.json'), 'utf8')),
).flat();

/**
 * Our modules locate files relative to themselves (`import.meta.dirname`: the migrations, the embedded
 * template, package.json). In the bundle each keeps the location of its own file in dist/.
 */
const keepModuleLocation = {
  name: 'keep-module-location',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.js$/ }, async ({ path }) => {
      if (relative(DIST, path).startsWith('..')) return undefined;
      const source = await readFile(path, 'utf8');
      if (!source.includes('import.meta.')) return undefined;
      const url = `new URL(${JSON.stringify(relative(DIST, path))}, import.meta.url)`;
      const replacements = {
        dirname: `__bundledDirname(__bundledFileURLToPath(${url}))`,
        filename: `__bundledFileURLToPath(${url})`,
        url: `${url}.href`,
      };
      return {
        loader: 'js',
        contents: source.replace(/\bimport\.meta\.(dirname|filename|url)\b/g, (_, key) => replacements[key]),
      };
    });
  },
};

/**
 * A script with a single character beyond Latin-1 is held by V8 as two bytes per character: a few
 * regular expressions (ours and our packages') would double the memory of the whole bundle's source.
 * esbuild escapes strings but not regular expression literals, so every non-ASCII character left
 * becomes its `\uXXXX` escape, which means the same in a regular expression, a string or a comment
 * (not after a backslash, which the build refuses).
 */
function escapeNonAscii(text) {
  if (/\\[^\0-\x7f]/.test(text)) throw new Error('bundle: a non-ASCII character follows a backslash');
  return text.replace(/[^\0-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Two of Nest's ES module packages load others with `createRequire(import.meta.url)`, which esbuild
 * leaves to run time: class-transformer, class-validator and TypeORM would be loaded a second time
 * from node_modules, each copy with its own state (class-transformer's metadata, a second TypeORM).
 * With their own `require` gone, the calls are plain `require` calls, bundled like any other import.
 */
const bundleNestRequires = {
  name: 'bundle-nest-requires',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]node_modules[\\/]@nestjs[\\/](mapped-types|typeorm)[\\/]dist[\\/].*\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const ownRequire = 'const require = createRequire(import.meta.url);';
      if (!source.includes(ownRequire)) return undefined;
      return { loader: 'js', contents: source.replace(ownRequire, '') };
    });
  },
};

const { outputFiles } = await build({
  entryPoints: ENTRY_POINTS.map((entry) => join(DIST, entry)),
  outdir: DIST,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // Less source text for V8 to hold; names are kept (Nest and TypeORM read class names).
  minifyWhitespace: true,
  minifySyntax: true,
  external: EXTERNAL,
  plugins: [keepModuleLocation, bundleNestRequires],
  // The CommonJS packages inside call require(), and read __dirname and __filename.
  banner: {
    js: [
      "import { createRequire as __bundledCreateRequire } from 'node:module';",
      "import { dirname as __bundledDirname } from 'node:path';",
      "import { fileURLToPath as __bundledFileURLToPath } from 'node:url';",
      'const require = __bundledCreateRequire(import.meta.url);',
      'const __filename = __bundledFileURLToPath(import.meta.url);',
      'const __dirname = __bundledDirname(__filename);',
    ].join('\n'),
  },
  sourcemap: true,
  logLevel: 'warning',
});
for (const output of outputFiles) {
  await writeFile(output.path, output.path.endsWith('.js') ? escapeNonAscii(output.text) : output.contents);
}
