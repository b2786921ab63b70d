import { Injectable } from '@nestjs/common';
import { ApiError } from '../../common/http/error-codes.js';
import { defineList, filter } from '../../common/list/index.js';
import { ResourceDeps } from '../../common/tenancy/scoped-resource.js';
import type { CreateTaxonomyDto, UpdateTaxonomyDto } from './dto/taxonomy.dto.js';
import { requireForPut } from './dto/rules.js';
import { SYNC_STATUSES } from '../planner/entities/content-kinds.js';
import { ContentTaxonomy, TAXONOMY_TYPES } from './entities/content-taxonomy.entity.js';
import { SiteSectorResource } from '../sites/site-sector-resource.js';
import { WriterRefs } from './writer-scope.js';

export const TAXONOMIES_LIST = defineList({
  filters: {
    site_id: filter.relation('tt.site_id'),
    sector_id: filter.relation('tt.sector_id', { nullable: true }),
    taxonomy_type: filter.enum('tt.taxonomy_type', TAXONOMY_TYPES),
    sync_status: filter.enum('tt.sync_status', SYNC_STATUSES),
  },
  search: ['tt.name', 'tt.slug'],
  ordering: {
    fields: { name: 'tt.name', count: 'tt.count', created_at: 'tt.created_at' },
    default: '-created_at',
  },
});

const SLUG_TAKEN = 'A term with this slug already exists for this site and taxonomy type.';

/** `Café & Bar!` → `cafe-bar` (ASCII letters, digits, `_` and `-`; at most 255 characters). */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_\s-]/g, '')
    .trim()
    .replace(/[\s-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 255);
}

/**
 * `writer/taxonomies/`: a site's categories and tags, optionally of one sector; the
 * slug is derived from the name when not given and is unique per site and type among live terms.
 */
@Injectable()
export class TaxonomiesService extends SiteSectorResource<ContentTaxonomy, ContentTaxonomy> {
  constructor(
    deps: ResourceDeps,
    private readonly refs: WriterRefs,
  ) {
    super(deps, {
      entity: ContentTaxonomy,
      table: 'igny8_content_taxonomy_terms',
      alias: 'tt',
      list: TAXONOMIES_LIST,
      present: (rows) => rows,
      uniques: {
        igny8_content_taxonomy_terms_site_slug_type_uniq: { field: 'slug', message: SLUG_TAKEN },
        igny8_content_taxonomy_terms_site_external_uniq: {
          field: 'non_field_errors',
          message: 'Another term is already linked to this remote term.',
        },
      },
    });
  }

  async create(body: CreateTaxonomyDto): Promise<ContentTaxonomy> {
    const place = await this.refs.place(body.site_id, body.sector_id, { sectorRequired: false });
    const name = body.name.trim();
    const term = this.deps.dataSource.manager.create(ContentTaxonomy, {
      ...place,
      name,
      slug: this.slugFor(body.slug, name),
      taxonomy_type: body.taxonomy_type,
      description: body.description ?? '',
    });
    const saved = await this.transaction((manager) => this.save(manager, term));
    return this.get(saved.id);
  }

  async update(
    id: number,
    body: UpdateTaxonomyDto,
    { partial }: { partial: boolean },
  ): Promise<ContentTaxonomy> {
    const term = await this.find(id);
    requireForPut(body, ['name'], partial);
    if (body.name !== undefined) term.name = body.name.trim();
    if (body.slug !== undefined) term.slug = this.slugFor(body.slug, term.name);
    if (body.description !== undefined) term.description = body.description;
    await this.transaction((manager) => this.save(manager, term));
    return this.get(id);
  }

  /** The given slug, or (omitted or empty) the slugified name. */
  private slugFor(slug: string | undefined, name: string): string {
    const value = slug?.trim() ? slug.trim() : slugify(name);
    if (value === '') {
      throw ApiError.field('slug', 'The name gives no usable slug: send a slug.');
    }
    return value;
  }
}
