// Keeps the configuration docs in sync with the schema (src/config/config.schema.ts, built in dist/):
// every variable the schema reads must appear in README.md (as `NAME`), in .env.example (as `NAME=`
// or `# NAME=`) and in docker-compose.yml's app environment (except what the stack fixes itself:
// PORT and HOST in the Dockerfile, LOG_DIR and MEDIA_DIR by its volumes, its own PostgreSQL); none
// may name a variable the schema does not know; and the uncommented values of .env.example must
// pass the schema.
//
//   node scripts/config-docs-check.mjs       (after `npm run build`)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { envSchema } = await import(pathToFileURL(join(root, 'dist/config/config.schema.js')).href);
const { AppConfig, ConfigError } = await import(pathToFileURL(join(root, 'dist/config/app-config.js')).href);

const variables = Object.keys(envSchema.shape).sort();
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const example = readFileSync(join(root, '.env.example'), 'utf8');
const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const fixedByTheStack = new Set(['PORT', 'HOST', 'LOG_DIR', 'MEDIA_DIR', 'EMBEDDED_DB_DIR']);

const problems = [];
const exampleLines = example.split('\n').map((line) => /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim()));
const listed = new Set(exampleLines.filter(Boolean).map((m) => m[2]));

for (const name of variables) {
  if (!readme.includes(`\`${name}\``)) problems.push(`README.md does not describe ${name}`);
  if (!listed.has(name)) problems.push(`.env.example does not list ${name}`);
  if (!fixedByTheStack.has(name) && !new RegExp(`^ {4}${name}: `, 'm').test(compose))
    problems.push(`docker-compose.yml does not pass ${name} to the app`);
}
for (const name of listed) {
  if (!variables.includes(name)) problems.push(`.env.example lists ${name}, which the schema does not read`);
}
// README: a configuration-table row whose first cell is a variable the schema does not know.
for (const match of readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)) {
  if (!variables.includes(match[1]))
    problems.push(`README.md describes ${match[1]}, which the schema does not read`);
}

const values = Object.fromEntries(
  exampleLines.filter((m) => m && !m[1]).map((m) => [m[2], m[3].replace(/^(['"])(.*)\1$/, '$2')]),
);
try {
  new AppConfig(values);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  problems.push(`.env.example does not pass the schema:\n${error.message}`);
}

if (problems.length > 0) {
  console.error(`config-docs: FAILED\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(
  `config-docs: all ${variables.length} variables are in README.md, .env.example and docker-compose.yml`,
);
