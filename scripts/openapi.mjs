// Writes the OpenAPI document of the built app to openapi.json, or with --check fails when the
// committed file is stale. No database or Redis is needed: Nest builds the module graph in preview
// mode (controllers and their decorators are scanned, no provider factory runs).
//
//   node scripts/openapi.mjs               build, then write openapi.json
//   node scripts/openapi.mjs --check       build, then compare with the committed openapi.json
//   ... --no-build                         use dist/ as it is (CI builds once beforehand)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'openapi.json');
const args = new Set(process.argv.slice(2));
const check = args.has('--check');

if (!args.has('--no-build')) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('openapi: the build failed.');
    process.exit(1);
  }
}

const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);

async function generate() {
  await import('reflect-metadata');
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await load('app.module.js');
  const { AppConfig } = await load('config/app-config.js');
  const { buildOpenApiDocument } = await load('common/openapi/document.js');
  const { createFastifyAdapter } = await load('common/http/http-setup.js');

  // A fixed, empty environment: the local .env or shell must not change the document.
  const config = new AppConfig({});
  const app = await NestFactory.create(AppModule.register(config), createFastifyAdapter(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return `${JSON.stringify(buildOpenApiDocument(app, config), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

const generated = await generate();
const name = relative(process.cwd(), target) || 'openapi.json';

if (!check) {
  writeFileSync(target, generated);
  console.log(`openapi: wrote ${name}`);
  process.exit(0);
}

const committed = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
if (committed === generated) {
  console.log(`openapi: ${name} is up to date`);
  process.exit(0);
}

console.error(
  committed === undefined
    ? `openapi: ${name} is missing.`
    : `openapi: ${name} is stale: it differs from the document the code generates.`,
);
if (committed !== undefined) {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const first = a.findIndex((line, i) => line !== b[i]);
  const at = first === -1 ? Math.min(a.length, b.length) : first;
  console.error(`First difference at line ${at + 1}:`);
  console.error(`  committed: ${a[at] ?? '(end of file)'}`);
  console.error(`  generated: ${b[at] ?? '(end of file)'}`);
}
console.error('Run `npm run openapi` and commit openapi.json.');
process.exit(1);
