/** Operation extensions the access decorators set (read and removed while the document is built). */
export const PUBLIC_EXTENSION = 'x-igny8-public';
export const API_KEY_EXTENSION = 'x-igny8-api-key';

/** Tags in module order, with the text shown in the docs. */
export const TAGS: [string, string][] = [
  ['auth', 'Registration, login, tokens, users, sites, sectors and the keyword library'],
  ['account', 'Account settings, team and usage'],
  ['planner', 'Keywords, clusters and content ideas'],
  ['writer', 'Writer tasks, content, taxonomies and images'],
  ['ai', 'AI actions: clustering, ideas, articles, image prompts and images (queued as tasks)'],
  ['tasks', 'AI task progress'],
  ['automation', 'Automation pipeline runs'],
  ['publisher', 'Publishing to connected sites'],
  ['integration', 'WordPress and other integrations'],
  ['system', 'Ping, settings, prompts, AI models and request metrics'],
  ['billing', 'Credits, invoices and payments'],
  ['admin', 'Platform administration'],
  ['linker', 'Internal linking'],
  ['optimizer', 'Content optimisation'],
];
