import type { HTTPMethods, LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import type { TestApp } from '../support/app.js';
import type { SeededTenant } from '../support/tenants.js';

/** Calls the API as `headers`, with an optional JSON body. */
export function caller(t: TestApp) {
  return (
    method: HTTPMethods,
    url: string,
    headers: Record<string, string>,
    payload?: unknown,
  ): Promise<LightMyRequestResponse> =>
    t.request({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
}

export type Call = ReturnType<typeof caller>;

/** Rows the writer references but does not create (planner clusters and ideas), inserted with SQL. */
export function plannerRows(t: TestApp) {
  const db = t.app.get(DataSource);
  let n = 0;
  return {
    async cluster(
      tenant: SeededTenant,
      site: number,
      sector: number,
      name = `Cluster ${++n}`,
    ): Promise<number> {
      const [{ id }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_clusters (account_id, site_id, sector_id, name) VALUES ($1, $2, $3, $4) RETURNING id`,
        [tenant.accountId, site, sector, name],
      );
      return id;
    },
    async idea(
      tenant: SeededTenant,
      site: number,
      sector: number,
      cluster: number | null,
      title = `Idea ${++n}`,
    ): Promise<number> {
      const [{ id }] = await db.query<{ id: number }[]>(
        `INSERT INTO igny8_content_ideas (account_id, site_id, sector_id, keyword_cluster_id, idea_title)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [tenant.accountId, site, sector, cluster, title],
      );
      return id;
    },
    async mappedPages(cluster: number): Promise<number> {
      const [{ mapped_pages }] = await db.query<{ mapped_pages: number }[]>(
        'SELECT mapped_pages FROM igny8_clusters WHERE id = $1',
        [cluster],
      );
      return Number(mapped_pages);
    },
  };
}

/** The `data` of a success envelope. */
export function data<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return response.json<{ data: T }>().data;
}

/** The writer tables, for "nothing changed" snapshots. */
export const WRITER_TABLES = [
  'igny8_tasks',
  'igny8_content',
  'igny8_images',
  'igny8_content_taxonomy_terms',
  'igny8_content_taxonomy_relations',
  'igny8_clusters',
];

/** One live and one trashed row of each writer resource in a site, for path-id checks. */
export interface WriterRows {
  task: number;
  content: number;
  image: number;
  term: number;
  trashedTask: number;
  trashedContent: number;
  trashedImage: number;
  trashedTerm: number;
}

/** The kind of writer row each writer `:id` route names (for the isolation suites). */
export const WRITER_PATH_KINDS: [RegExp, keyof WriterRows][] = [
  [/^\/api\/v1\/writer\/tasks\/:id\/restore$/, 'trashedTask'],
  [/^\/api\/v1\/writer\/tasks\/:id$/, 'task'],
  [/^\/api\/v1\/writer\/content\/:id\/restore$/, 'trashedContent'],
  [/^\/api\/v1\/writer\/content\/:id(\/validation)?$/, 'content'],
  [/^\/api\/v1\/writer\/images\/:id\/restore$/, 'trashedImage'],
  [/^\/api\/v1\/writer\/images\/:id(\/file)?$/, 'image'],
  [/^\/api\/v1\/writer\/taxonomies\/:id\/restore$/, 'trashedTerm'],
  [/^\/api\/v1\/writer\/taxonomies\/:id$/, 'term'],
];

/** Inserts (SQL) a cluster and live + trashed writer rows in `site`/`sector` of `accountId`. */
export async function seedWriterRows(
  db: DataSource,
  accountId: number,
  site: number,
  sector: number,
): Promise<WriterRows> {
  const one = async (sql: string, params: unknown[]) => (await db.query<{ id: number }[]>(sql, params))[0].id;
  const [cluster] = await db.query<{ id: number }[]>(
    `INSERT INTO igny8_clusters (account_id, site_id, sector_id, name) VALUES ($1, $2, $3, 'Writer rows')
     RETURNING id`,
    [accountId, site, sector],
  );
  const make = async () => {
    const task = await one(
      `INSERT INTO igny8_tasks (account_id, site_id, sector_id, title, cluster_id) VALUES ($1, $2, $3, 'T', $4)
       RETURNING id`,
      [accountId, site, sector, cluster.id],
    );
    const content = await one(
      `INSERT INTO igny8_content (account_id, site_id, sector_id, title) VALUES ($1, $2, $3, 'C') RETURNING id`,
      [accountId, site, sector],
    );
    const image = await one(
      `INSERT INTO igny8_images (account_id, site_id, sector_id, content_id, image_type)
       VALUES ($1, $2, $3, $4, 'featured') RETURNING id`,
      [accountId, site, sector, content],
    );
    const term = await one(
      `INSERT INTO igny8_content_taxonomy_terms (account_id, site_id, name, slug, taxonomy_type)
       VALUES ($1, $2, 'Term', 'term-' || gen_random_uuid(), 'tag') RETURNING id`,
      [accountId, site],
    );
    return { task, content, image, term };
  };
  const live = await make();
  const gone = await make();
  for (const [table, id] of [
    ['igny8_tasks', gone.task],
    ['igny8_images', gone.image],
    ['igny8_content_taxonomy_terms', gone.term],
    ['igny8_content', gone.content],
  ] as const) {
    await db.query(
      `UPDATE ${table} SET deleted_at = now(), deleted_cascade_id = gen_random_uuid() WHERE id = $1`,
      [id],
    );
  }
  return {
    ...live,
    trashedTask: gone.task,
    trashedContent: gone.content,
    trashedImage: gone.image,
    trashedTerm: gone.term,
  };
}
