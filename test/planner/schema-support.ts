import { randomUUID } from 'node:crypto';
import type { DatabaseError } from 'pg';
import { DataSource, QueryFailedError, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { expect } from 'vitest';
import { Cluster } from '../../src/modules/planner/entities/cluster.entity.js';
import { ContentIdea } from '../../src/modules/planner/entities/content-idea.entity.js';
import { Keyword } from '../../src/modules/planner/entities/keyword.entity.js';
import { ContentTaxonomy } from '../../src/modules/writer/entities/content-taxonomy.entity.js';
import { Content } from '../../src/modules/writer/entities/content.entity.js';
import { Image } from '../../src/modules/writer/entities/image.entity.js';
import { Task } from '../../src/modules/writer/entities/task.entity.js';
import type { TestApp } from '../support/app.js';
import { seedTenant, type SeededTenant } from '../support/tenants.js';

/** A blocked ON DELETE RESTRICT: foreign_key_violation, or restrict_violation on PostgreSQL 18 (PGlite). */
export const RESTRICTED = ['23503', '23001'];

/** The database error behind a failed write: SQLSTATE and constraint name. */
export async function violation(write: Promise<unknown>): Promise<{ code: string; constraint: string }> {
  const error: unknown = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueryFailedError);
  const { code, constraint } = (error as QueryFailedError<DatabaseError>).driverError;
  return { code: code ?? '', constraint: constraint ?? '' };
}

/** A site (technology industry) with two sectors, and row factories with valid defaults. */
export interface PlannerWriterFixture {
  db: DataSource;
  tenant: SeededTenant;
  siteId: number;
  /** Sector ids of the site; `sectorIds[0]` is Software Development, `[1]` Cloud Computing. */
  sectorIds: number[];
  /** Seed keyword ids of each sector's IndustrySector, in the order of `sectorIds`. */
  seedIds: number[][];
  insert<T extends ObjectLiteral>(entity: EntityTarget<T>, values: Partial<T>): Promise<T>;
  keyword(values?: Partial<Keyword>): Promise<Keyword>;
  cluster(values?: Partial<Cluster>): Promise<Cluster>;
  idea(values?: Partial<ContentIdea>): Promise<ContentIdea>;
  task(values?: Partial<Task>): Promise<Task>;
  content(values?: Partial<Content>): Promise<Content>;
  image(values?: Partial<Image>): Promise<Image>;
  taxonomy(values?: Partial<ContentTaxonomy>): Promise<ContentTaxonomy>;
  /** Marks a row soft-deleted (as the delete endpoints do). */
  softDelete(table: string, id: number): Promise<void>;
  /** Hard-deletes a row (as purge does). */
  hardDelete(table: string, id: number): Promise<unknown>;
}

export async function plannerWriterFixture(
  t: TestApp,
  options = { sites: 1 },
): Promise<PlannerWriterFixture> {
  const db = t.app.get(DataSource);
  const tenant = await seedTenant(t.app, { sites: options.sites, sectorsPerSite: 2 });
  const siteId = tenant.siteIds[0];
  const sectorIds = tenant.sectorIds[0];
  const seedIds: number[][] = [];
  for (const sectorId of sectorIds) {
    const rows = await db.query<{ id: number }[]>(
      `SELECT k.id FROM igny8_seed_keywords k JOIN igny8_sectors s ON s.industry_sector_id = k.sector_id
        WHERE s.id = $1 ORDER BY k.id`,
      [sectorId],
    );
    seedIds.push(rows.map((row) => row.id));
  }
  let counter = 0;
  const unique = (prefix: string): string => `${prefix} ${++counter} ${randomUUID().slice(0, 6)}`;
  const insert = <T extends ObjectLiteral>(entity: EntityTarget<T>, values: Partial<T>): Promise<T> =>
    db.getRepository(entity).save(db.getRepository(entity).create(values as T));
  const place = { site_id: siteId, sector_id: sectorIds[0] };

  const fixture: PlannerWriterFixture = {
    db,
    tenant,
    siteId,
    sectorIds,
    seedIds,
    insert,
    keyword: (values = {}) => insert(Keyword, { ...place, seed_keyword_id: seedIds[0][0], ...values }),
    cluster: (values = {}) => insert(Cluster, { ...place, name: unique('Cluster'), ...values }),
    idea: (values = {}) => insert(ContentIdea, { ...place, idea_title: unique('Idea'), ...values }),
    task: async (values = {}) =>
      insert(Task, {
        ...place,
        title: unique('Task'),
        cluster_id: values.cluster_id ?? (await fixture.cluster()).id,
        ...values,
      }),
    content: (values = {}) => insert(Content, { ...place, title: unique('Content'), ...values }),
    image: async (values = {}) =>
      insert(Image, {
        ...place,
        content_id: values.content_id ?? (await fixture.content()).id,
        image_type: 'in_article',
        ...values,
      }),
    taxonomy: (values = {}) =>
      insert(ContentTaxonomy, {
        site_id: siteId,
        name: 'Term',
        slug: unique('term').replaceAll(' ', '-'),
        taxonomy_type: 'category',
        ...values,
      }),
    softDelete: async (table, id) => {
      await db.query(`UPDATE ${table} SET deleted_at = now(), deleted_cascade_id = $2 WHERE id = $1`, [
        id,
        randomUUID(),
      ]);
    },
    hardDelete: (table, id) => db.query(`DELETE FROM ${table} WHERE id = $1`, [id]),
  };
  return fixture;
}
