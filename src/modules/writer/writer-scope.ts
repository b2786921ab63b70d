import { Injectable } from '@nestjs/common';
import type { ObjectLiteral } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import {
  invalidReference,
  ScopedRepositories,
  type ScopedRepository,
} from '../../common/tenancy/scoped-repository.js';
import { Sector } from '../identity/entities/sector.entity.js';
import { Site } from '../identity/entities/site.entity.js';
import { resolvePlacement } from '../sites/site-sector-resource.js';
import { Cluster } from '../planner/entities/cluster.entity.js';
import { ContentIdea } from '../planner/entities/content-idea.entity.js';
import { ContentTaxonomy } from './entities/content-taxonomy.entity.js';
import { Content } from './entities/content.entity.js';
import { Image } from './entities/image.entity.js';
import { Task } from './entities/task.entity.js';

/** Where a site-scoped row lives: its site and sector, fixed at creation. */
export interface Place {
  site_id: number;
  sector_id: number | null;
}

/**
 * The scoped repositories the writer resolves body references and computed labels through: a
 * row the caller cannot see (another account, a site it has no access to, a deleted row) behaves
 * exactly like a missing id (400 on the body field, absent from labels).
 */
@Injectable()
export class WriterRefs {
  readonly sites: ScopedRepository<Site>;
  readonly sectors: ScopedRepository<Sector>;
  readonly clusters: ScopedRepository<Cluster>;
  readonly ideas: ScopedRepository<ContentIdea>;
  readonly tasks: ScopedRepository<Task>;
  readonly content: ScopedRepository<Content>;
  readonly terms: ScopedRepository<ContentTaxonomy>;
  readonly images: ScopedRepository<Image>;

  constructor(repos: ScopedRepositories) {
    this.sites = repos.for(Site, 's');
    this.sectors = repos.for(Sector, 'x');
    this.clusters = repos.for(Cluster, 'cl');
    this.ideas = repos.for(ContentIdea, 'ci');
    this.tasks = repos.for(Task, 't');
    this.content = repos.for(Content, 'c');
    this.terms = repos.for(ContentTaxonomy, 'tt');
    this.images = repos.for(Image, 'i');
  }

  /** The site and sector of a new row (see resolvePlacement), as the row's columns. */
  async place(siteId: unknown, sectorId: unknown, { sectorRequired = true } = {}): Promise<Place> {
    const { site, sector } = await resolvePlacement(this.sites, this.sectors, siteId, sectorId, {
      sectorRequired,
    });
    return { site_id: site.id, sector_id: sector?.id ?? null };
  }

  /**
   * A referenced row of the same site (and, with `sameSector`, the same sector) as `place`: 400 on
   * `field` when it is not visible, or lives elsewhere.
   */
  async sibling<T extends ObjectLiteral & Place & { id: number }>(
    repo: ScopedRepository<T>,
    field: string,
    id: unknown,
    place: Place,
    { sameSector = true, label }: { sameSector?: boolean; label: string },
  ): Promise<T> {
    const row = await repo.reference(field, id);
    const siteOk = Number(row.site_id) === Number(place.site_id);
    const sectorOk = !sameSector || Number(row.sector_id) === Number(place.sector_id);
    if (!siteOk || !sectorOk) {
      throw ApiError.field(
        field,
        `The ${label} must belong to the same site${sameSector ? ' and sector' : ''}.`,
      );
    }
    return row;
  }

  /** The visible rows named by `ids` (all of them, else 400 on `field` naming the first missing id). */
  async many<T extends ObjectLiteral & { id: number }>(
    repo: ScopedRepository<T>,
    field: string,
    ids: readonly number[],
  ): Promise<T[]> {
    if (ids.length === 0) return [];
    const rows = await repo
      .query()
      .andWhere(`${repo.alias}.id IN (:...many_ids)`, { many_ids: [...new Set(ids)] })
      .getMany();
    const found = new Set(rows.map((row) => Number(row.id)));
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined) throw ApiError.field(field, invalidReference(missing));
    return rows;
  }
}

/** `id → <label column>` of the visible rows among `ids`, in one query (computed fields of a page). */
export async function labelsOf<T extends ObjectLiteral>(
  repo: ScopedRepository<T>,
  column: string,
  ids: readonly (number | null | undefined)[],
): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null && id !== undefined))];
  if (wanted.length === 0) return new Map();
  const { alias } = repo;
  const rows = await repo
    .query()
    .select(`${alias}.id`, 'id')
    .addSelect(`${alias}.${column}`, 'label')
    .andWhere(`${alias}.id IN (:...label_ids)`, { label_ids: wanted })
    .getRawMany<{ id: number | string; label: string }>();
  return new Map(rows.map((row) => [Number(row.id), row.label]));
}
