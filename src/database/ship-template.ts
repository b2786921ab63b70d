// `npm run build`, last step: puts the migrated embedded data directory of the built migrations
// beside the built code, where a first boot on an empty data directory finds it (embedded-template.ts).
import 'reflect-metadata';
import { copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cachedTemplate } from './embedded-template.js';

const template = await cachedTemplate();
copyFileSync(template, join(import.meta.dirname, basename(template)));
