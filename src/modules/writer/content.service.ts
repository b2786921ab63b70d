import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import {
  computedSql,
  defineList,
  filter,
  type PageComputed,
  timeRangeFilters,
} from '../../common/list/index.js';
import { ResourceDeps } from '../../common/tenancy/scoped-resource.js';
import { tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Sector } from '../identity/entities/sector.entity.js';
import { Cluster } from '../planner/entities/cluster.entity.js';
import { ROW_FIELDS } from '../planner/presenters.js';
import { type ContentValidation, validateContent, wordCount } from './content-text.js';
import type { CreateContentDto, UpdateContentDto } from './dto/content.dto.js';
import { requireForPut } from './dto/rules.js';
import { CONTENT_STRUCTURES, CONTENT_TYPES, SYNC_STATUSES } from '../planner/entities/content-kinds.js';
import { ContentTaxonomyRelation } from './entities/content-taxonomy-relation.entity.js';
import { ContentTaxonomy } from './entities/content-taxonomy.entity.js';
import {
  CONTENT_SITE_STATUSES,
  CONTENT_SOURCES,
  CONTENT_STATUSES,
  Content,
  type ContentStatus,
} from './entities/content.entity.js';
import type { ImageStatus } from './entities/image.entity.js';
import { MediaService } from '../../common/media/media.service.js';
import { CONTENT_SITE_STATUS, CONTENT_STATUS } from './state-machines.js';
import { SiteSectorResource, type Skipped } from '../sites/site-sector-resource.js';
import { maintainingMappedPages } from './mapped-pages.js';
import { PublishingSettingsService } from '../publishing-settings/publishing-settings.service.js';
import { approveReviewedContent } from './writer-writes.js';
import { type Place, WriterRefs } from './writer-scope.js';

export interface FeaturedImage {
  id: number;
  image_url: string | null;
  status: ImageStatus;
}

/**
 * Content (docs/api-conventions.md#object-representations): every column plus `cluster_name`, `sector_name`,
 * `taxonomy_term_ids`, `featured_image`, `images_count`.
 */
export type ContentView = Content & {
  cluster_name: string | null;
  sector_name: string | null;
  taxonomy_term_ids: number[];
  featured_image: FeaturedImage | null;
  images_count: number;
};

/** Every column of a content row: list pages read them as plain rows. */
const CONTENT_FIELDS = [
  ...ROW_FIELDS,
  'title',
  'content_html',
  'word_count',
  'meta_title',
  'meta_description',
  'primary_keyword',
  'secondary_keywords',
  'cluster_id',
  'task_id',
  'content_type',
  'content_structure',
  'source',
  'status',
  'site_status',
  'scheduled_publish_at',
  'published_at',
  'external_id',
  'external_url',
  'external_type',
  'external_metadata',
  'sync_status',
  'schema_markup',
  'internal_links',
] as const satisfies readonly (keyof Content)[];

/**
 * The computed fields over `c`, in one statement with the rows (the labels, live terms and images
 * of a visible content row are those of its own site). The featured image carries its stored path;
 * its URL is added afterwards.
 */
const CONTENT_COMPUTED = {
  fields: {
    cluster_name:
      '(SELECT ccl.name FROM igny8_clusters ccl WHERE ccl.id = c.cluster_id AND ccl.deleted_at IS NULL)',
    sector_name: '(SELECT cx.name FROM igny8_sectors cx WHERE cx.id = c.sector_id AND cx.deleted_at IS NULL)',
    taxonomy_term_ids: `COALESCE((SELECT json_agg(tt.id ORDER BY tt.id) FROM igny8_content_taxonomy_relations r
                          JOIN igny8_content_taxonomy_terms tt ON tt.id = r.taxonomy_id AND tt.deleted_at IS NULL
                         WHERE r.content_id = c.id), '[]'::json)`,
    featured_image: `(SELECT json_build_object('id', i.id, 'image_path', i.image_path, 'status', i.status)
                        FROM igny8_images i
                       WHERE i.content_id = c.id AND i.image_type = 'featured' AND i.deleted_at IS NULL
                       ORDER BY i.position, i.id LIMIT 1)`,
    images_count: `(SELECT count(*) FROM igny8_images i
                     WHERE i.content_id = c.id AND i.deleted_at IS NULL)::integer`,
  },
} satisfies PageComputed;

const CONTENT_EXTRA = computedSql(CONTENT_COMPUTED);
/** A content row with its computed fields as selected (the featured image without its URL yet). */
type ContentRow = Content & {
  cluster_name: string | null;
  sector_name: string | null;
  taxonomy_term_ids: number[];
  featured_image: { id: number; image_path: string | null; status: ImageStatus } | null;
  images_count: number;
};

export const CONTENT_LIST = defineList({
  filters: {
    site_id: filter.relation('c.site_id'),
    sector_id: filter.relation('c.sector_id', {
      options: {
        all: 'All Sectors',
        label: 'fs.name',
        join: { table: Sector, alias: 'fs', on: 'fs.id = c.sector_id' },
      },
    }),
    status: filter.enum('c.status', CONTENT_STATUSES, 'All Statuses'),
    site_status: filter.enum('c.site_status', CONTENT_SITE_STATUSES, 'All Publishing Statuses'),
    cluster_id: filter.relation('c.cluster_id', {
      nullable: true,
      options: {
        all: 'All Clusters',
        none: 'No Cluster',
        label: 'fc.name',
        join: { table: Cluster, alias: 'fc', on: 'fc.id = c.cluster_id' },
      },
    }),
    task_id: filter.relation('c.task_id', { nullable: true }),
    content_type: filter.enum('c.content_type', CONTENT_TYPES, 'All Types'),
    content_structure: filter.enum('c.content_structure', CONTENT_STRUCTURES, 'All Structures'),
    source: filter.enum('c.source', CONTENT_SOURCES, 'All Sources'),
    sync_status: filter.enum('c.sync_status', SYNC_STATUSES),
    ids: filter.ids('c.id'),
    ...timeRangeFilters('published', 'c.published_at'),
    // Changed since (the plugin and other pollers fetch only what moved).
    updated_after: filter.after('c.updated_at'),
  },
  search: ['c.title', 'c.primary_keyword'],
  ordering: {
    fields: {
      title: 'c.title',
      status: 'c.status',
      site_status: 'c.site_status',
      word_count: 'c.word_count',
      created_at: 'c.created_at',
      updated_at: 'c.updated_at',
      published_at: 'c.published_at',
      scheduled_publish_at: 'c.scheduled_publish_at',
    },
    default: '-created_at',
  },
});

/**
 * `writer/content/`: CRUD with the editorial state machine (docs/domain-model.md#state-machines), taxonomy
 * terms of the same site, `word_count` recomputed from `content_html` on every save, the cluster's
 * `mapped_pages` kept in the same transaction (create, cluster change, delete, restore), soft
 * delete cascading to the images, bulk status changes and the `validation/` report.
 */
@Injectable()
export class ContentService extends SiteSectorResource<Content, ContentView> {
  constructor(
    deps: ResourceDeps,
    private readonly refs: WriterRefs,
    private readonly media: MediaService,
    private readonly publishing: PublishingSettingsService,
  ) {
    super(deps, {
      entity: Content,
      table: 'igny8_content',
      alias: 'c',
      list: CONTENT_LIST,
      present: (rows) => this.presentRows(rows),
      listColumns: CONTENT_FIELDS,
      listComputed: CONTENT_COMPUTED,
      presentPage: (rows) => this.withImageUrls(rows as ContentRow[]),
      uniques: {
        igny8_content_task_uniq: { field: 'task_id', message: 'Content already exists for this task.' },
        igny8_content_site_external_uniq: {
          field: 'non_field_errors',
          message: 'Another content is already linked to this remote post.',
        },
      },
    });
  }

  async create(body: CreateContentDto): Promise<ContentView> {
    const place = await this.refs.place(body.site_id, body.sector_id);
    const content = this.deps.dataSource.manager.create(Content, {
      ...place,
      sector_id: place.sector_id!,
      title: body.title.trim(),
      status: await this.entering(body.status ?? 'draft', place.site_id),
    });
    const terms = await this.assign(content, body, place);
    const id = await this.transaction((manager) =>
      maintainingMappedPages(manager, { clusterIds: [content.cluster_id] }, async () => {
        const saved = await this.save(manager, content);
        if (terms) await this.setTerms(manager, saved.id, terms);
        return saved.id;
      }),
    );
    return this.get(id);
  }

  async update(id: number, body: UpdateContentDto, { partial }: { partial: boolean }): Promise<ContentView> {
    const content = await this.find(id);
    requireForPut(body, ['title'], partial);
    if (body.site_status !== undefined && body.site_status !== content.site_status) {
      throw ApiError.field(
        CONTENT_SITE_STATUS.field,
        'This field is read-only: the publishing actions change it.',
      );
    }
    if (body.status !== undefined) {
      CONTENT_STATUS.assertTransition(content.status, body.status, { allowUnchanged: true });
      if (body.status !== content.status) content.status = await this.entering(body.status, content.site_id);
    }
    if (body.title !== undefined) content.title = body.title.trim();
    const previousCluster = content.cluster_id;
    const terms = await this.assign(content, body, content);
    const clusterIds = previousCluster === content.cluster_id ? [] : [previousCluster, content.cluster_id];
    await this.transaction((manager) =>
      maintainingMappedPages(manager, { clusterIds }, async () => {
        await this.save(manager, content);
        if (terms) await this.setTerms(manager, id, terms);
      }),
    );
    return this.get(id);
  }

  /** A restored content counts in its cluster's `mapped_pages` again (same transaction). */
  override async restore(id: number): Promise<ContentView> {
    const row = await this.find(id, { trash: true });
    await this.transaction((manager) =>
      maintainingMappedPages(manager, { clusterIds: [row.cluster_id] }, () =>
        this.deps.softDeletes.restore(manager, Content, id),
      ),
    );
    return this.get(id);
  }

  /** `bulk_update {ids, status}`: rows whose transition the state machine does not allow are skipped (`invalid_transition`). */
  bulkUpdate(ids: number[], status: ContentStatus): Promise<{ updated_count: number; skipped: Skipped[] }> {
    const from = CONTENT_STATUS.states.filter((state) => CONTENT_STATUS.isAllowed(state, status));
    return this.bulkSetStatus(
      ids,
      status,
      from,
      status === 'review' ? (manager, updated) => this.autoApprove(manager, updated) : undefined,
    );
  }

  /**
   * The status content entering `status` gets: `review` moves on to `approved` when the site's
   * publishing settings auto-approve (docs/domain-model.md#publishing-settings).
   */
  private async entering(status: ContentStatus, siteId: number): Promise<ContentStatus> {
    return status === 'review' && (await this.publishing.autoApprovalEnabled(siteId)) ? 'approved' : status;
  }

  /** Content that just entered `review` in bulk, of the sites that auto-approve, moves on to `approved`. */
  private async autoApprove(manager: EntityManager, ids: number[]): Promise<void> {
    const rows = await tenantQuery(manager, Content, 'c')
      .select(['c.id', 'c.site_id'])
      .andWhere('c.id IN (:...auto_approve_ids)', { auto_approve_ids: ids })
      .getMany();
    const approving: number[] = [];
    for (const siteId of new Set(rows.map((row) => Number(row.site_id)))) {
      if (!(await this.publishing.autoApprovalEnabled(siteId, manager))) continue;
      approving.push(...rows.filter((row) => Number(row.site_id) === siteId).map((row) => Number(row.id)));
    }
    if (approving.length > 0) await approveReviewedContent(manager, approving);
  }

  /** `GET writer/content/{id}/validation/`. */
  async validation(id: number): Promise<ContentValidation> {
    const content = await this.find(id);
    const featured = await this.refs.images
      .query()
      .andWhere('i.content_id = :validation_content_id', { validation_content_id: id })
      .andWhere("i.image_type = 'featured' AND i.status = 'generated'")
      .getExists();
    return validateContent(content, { hasGeneratedFeaturedImage: featured });
  }

  /**
   * The writable fields shared by create and update (references resolved in the content's site and
   * sector; `word_count` from the HTML). Returns the new term ids when `taxonomy_term_ids` was sent.
   */
  private async assign(content: Content, body: UpdateContentDto, place: Place): Promise<number[] | null> {
    if (body.cluster_id !== undefined) {
      content.cluster_id =
        body.cluster_id === null
          ? null
          : (
              await this.refs.sibling(this.refs.clusters, 'cluster_id', body.cluster_id, place, {
                label: 'cluster',
              })
            ).id;
    }
    if (body.task_id !== undefined) {
      content.task_id =
        body.task_id === null
          ? null
          : (await this.refs.sibling(this.refs.tasks, 'task_id', body.task_id, place, { label: 'task' })).id;
    }
    if (body.content_html !== undefined) content.content_html = body.content_html;
    content.word_count = wordCount(content.content_html ?? '');
    if (body.meta_title !== undefined) content.meta_title = body.meta_title;
    if (body.meta_description !== undefined) content.meta_description = body.meta_description;
    if (body.primary_keyword !== undefined) content.primary_keyword = body.primary_keyword;
    if (body.secondary_keywords !== undefined) content.secondary_keywords = body.secondary_keywords;
    if (body.content_type !== undefined) content.content_type = body.content_type;
    if (body.content_structure !== undefined) content.content_structure = body.content_structure;
    if (body.schema_markup !== undefined) content.schema_markup = body.schema_markup;
    if (body.taxonomy_term_ids === undefined) return null;
    const terms = await this.refs.many(this.refs.terms, 'taxonomy_term_ids', body.taxonomy_term_ids);
    if (terms.some((term) => Number(term.site_id) !== Number(place.site_id))) {
      throw ApiError.field('taxonomy_term_ids', "Taxonomy terms must belong to the content's site.");
    }
    return body.taxonomy_term_ids;
  }

  /**
   * Makes `termIds` the content's live terms: links to other live terms are removed, links to terms
   * in the trash are kept (they come back with the term), new links are added — two statements.
   */
  private async setTerms(manager: EntityManager, contentId: number, termIds: number[]): Promise<void> {
    const sql = tenantSql(manager);
    const r = sql.table(ContentTaxonomyRelation, 'r');
    const term = sql.table(ContentTaxonomy, 'term');
    await sql.query`
      DELETE FROM ${r}
       WHERE ${r.scope} AND r.content_id = ${contentId} AND r.taxonomy_id <> ALL(${termIds}::bigint[])
         AND r.taxonomy_id IN (SELECT term.id FROM ${term} WHERE ${term.scope} AND term.deleted_at IS NULL)`;
    if (termIds.length === 0) return;
    await sql.query`
      INSERT INTO ${sql.insertInto(ContentTaxonomyRelation)} (content_id, taxonomy_id)
      SELECT ${contentId}::bigint, unnest(${termIds}::bigint[]) ON CONFLICT DO NOTHING`;
  }

  /** The computed fields of content rows: one query whatever their number. */
  private async presentRows(rows: Content[]): Promise<ContentView[]> {
    if (rows.length === 0) return [];
    const sql = tenantSql(this.deps.dataSource.manager);
    const c = sql.table(Content, 'c');
    const extra = await sql.query<({ id: number } & Omit<ContentRow, keyof Content>)[]>`
      SELECT c.id, ${sql.constant(CONTENT_EXTRA)} FROM ${c}
       WHERE ${c.scope} AND c.id = ANY(${rows.map((row) => row.id)}::bigint[])`;
    const byId = new Map(extra.map(({ id, ...fields }) => [Number(id), fields]));
    return this.withImageUrls(
      rows.map((row) =>
        Object.assign(
          row,
          byId.get(Number(row.id)) ?? {
            cluster_name: null,
            sector_name: null,
            taxonomy_term_ids: [],
            featured_image: null,
            images_count: 0,
          },
        ),
      ),
    );
  }

  /** The featured image's URL, when its file is stored. */
  private async withImageUrls(rows: ContentRow[]): Promise<ContentView[]> {
    const urls = await this.media.urls(rows.map((row) => row.featured_image?.image_path));
    return rows.map((row) => {
      const image = row.featured_image;
      return Object.assign(row, {
        featured_image: image && {
          id: Number(image.id),
          image_url: image.image_path ? (urls.get(image.image_path) ?? null) : null,
          status: image.status,
        },
      });
    });
  }
}
