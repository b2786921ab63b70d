import { Injectable, type StreamableFile } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../common/http/error-codes.js';
import { Paginated } from '../../common/http/responses.js';
import { defineList, filter, InvalidFilterValue, type RawQuery } from '../../common/list/index.js';
import { ResourceDeps } from '../../common/tenancy/scoped-resource.js';
import type { CreateImageDto, ImageBulkUpdateDto, UpdateImageDto } from './dto/image.dto.js';
import type { ContentStatus } from './entities/content.entity.js';
import { IMAGE_STATUSES, IMAGE_TYPES, Image, type ImageStatus } from './entities/image.entity.js';
import { MediaService } from '../../common/media/media.service.js';
import { IMAGE_STATUS } from './state-machines.js';
import { SiteSectorResource } from '../sites/site-sector-resource.js';
import { labelsOf, WriterRefs } from './writer-scope.js';

/**
 * Image (docs/api-conventions.md#object-representations): every column plus `content_title`; `image_url` is
 * the public URL of the existing file, else null.
 */
export type ImageView = Image & { content_title: string | null };

export type OverallStatus = 'pending' | 'complete' | 'failed' | 'partial';

export interface ContentImagesView {
  content_id: number;
  content_title: string;
  content_status: ContentStatus;
  featured_image: ImageView | null;
  in_article_images: ImageView[];
  overall_status: OverallStatus;
}

export const IMAGES_LIST = defineList({
  filters: {
    site_id: filter.relation('i.site_id'),
    sector_id: filter.relation('i.sector_id'),
    content_id: filter.relation('i.content_id', { nullable: true }),
    status: filter.enum('i.status', IMAGE_STATUSES, 'All Statuses'),
    image_type: filter.enum('i.image_type', IMAGE_TYPES, 'All Image Types'),
    ids: filter.ids('i.id'),
  },
  ordering: {
    fields: { created_at: 'i.created_at', position: 'i.position' },
    default: '-created_at',
  },
});

/** The images `content_images` groups: the featured one and the in-article ones (not the legacy `desktop`). */
const GROUPED_IMAGES = "gi.deleted_at IS NULL AND gi.image_type IN ('featured', 'in_article')";

/**
 * `writer/images/content_images/`: content rows (of the caller's scope) having live images;
 * `status` keeps the content with at least one image in that status.
 */
export const CONTENT_IMAGES_LIST = defineList({
  filters: {
    site_id: filter.relation('c.site_id'),
    sector_id: filter.relation('c.sector_id'),
    content_id: filter.relation('c.id'),
    status: filter.custom(
      (raw) => {
        if (!(IMAGE_STATUSES as readonly string[]).includes(raw)) {
          throw new InvalidFilterValue(
            'Select a valid choice. That choice is not one of the available choices.',
          );
        }
        return raw;
      },
      (status, bind) =>
        `EXISTS (SELECT 1 FROM igny8_images gi WHERE gi.content_id = c.id AND ${GROUPED_IMAGES} AND gi.status = ${bind(status)})`,
    ),
  },
  ordering: {
    fields: { created_at: 'c.created_at', title: 'c.title' },
    default: '-created_at',
  },
});

/** All pending → `pending`, all generated → `complete`, all failed → `failed`, else `partial`. */
export function overallStatus(statuses: readonly ImageStatus[]): OverallStatus {
  if (statuses.every((status) => status === 'pending')) return 'pending';
  if (statuses.every((status) => status === 'generated')) return 'complete';
  if (statuses.every((status) => status === 'failed')) return 'failed';
  return 'partial';
}

/**
 * `writer/images/`: CRUD (site and sector taken from the content; one image per
 * content, type and position), status reset to `pending` only (docs/domain-model.md#state-machines), the
 * per-content grouping, bulk status reset and the file itself. Restore is refused while the content is
 * deleted.
 */
@Injectable()
export class ImagesService extends SiteSectorResource<Image, ImageView> {
  constructor(
    deps: ResourceDeps,
    private readonly refs: WriterRefs,
    private readonly media: MediaService,
  ) {
    super(deps, {
      entity: Image,
      table: 'igny8_images',
      alias: 'i',
      list: IMAGES_LIST,
      present: (rows) => this.presentRows(rows),
      uniques: {
        igny8_images_content_type_position_uniq: {
          field: 'non_field_errors',
          message: 'The fields content_id, image_type, position must make a unique set.',
        },
      },
    });
  }

  async create(body: CreateImageDto): Promise<ImageView> {
    const content = await this.refs.content.reference('content_id', body.content_id);
    const position = body.position ?? 0;
    if (body.image_type === 'featured' && position !== 0) {
      throw ApiError.field('position', 'A featured image has position 0.');
    }
    const image = this.deps.dataSource.manager.create(Image, {
      site_id: content.site_id,
      sector_id: content.sector_id,
      content_id: content.id,
      image_type: body.image_type,
      position,
      prompt: body.prompt ?? '',
      alt_text: body.alt_text ?? '',
      caption: body.caption ?? '',
      status: 'pending',
    });
    const saved = await this.transaction((manager) => this.save(manager, image));
    return this.get(saved.id);
  }

  async update(id: number, body: UpdateImageDto): Promise<ImageView> {
    const image = await this.find(id);
    if (body.status !== undefined) {
      IMAGE_STATUS.assertTransition(image.status, body.status, { allowUnchanged: true });
      image.status = body.status;
    }
    if (body.prompt !== undefined) image.prompt = body.prompt;
    if (body.alt_text !== undefined) image.alt_text = body.alt_text;
    if (body.caption !== undefined) image.caption = body.caption;
    await this.transaction((manager) => this.save(manager, image));
    return this.get(id);
  }

  /** `bulk_update {ids | content_id, status: "pending"}`: generated/failed images back to pending. */
  async bulkUpdate(body: ImageBulkUpdateDto): Promise<{ updated_count: number }> {
    if (body.ids === undefined && body.content_id === undefined) {
      throw ApiError.field('non_field_errors', 'Send "ids" or "content_id".');
    }
    let ids = body.ids ?? [];
    if (body.content_id !== undefined) {
      const content = await this.refs.content.reference('content_id', body.content_id);
      const own = await this.repo
        .query()
        .select('i.id', 'id')
        .andWhere('i.content_id = :bulk_content_id', { bulk_content_id: content.id })
        .getRawMany<{ id: number | string }>();
      const ofContent = own.map((row) => Number(row.id));
      ids = body.ids === undefined ? ofContent : ids.filter((id) => ofContent.includes(id));
    }
    const from = IMAGE_STATUS.states.filter((state) => IMAGE_STATUS.isAllowed(state, body.status));
    const { updated_count } = await this.bulkSetStatus(ids, body.status, from);
    return { updated_count };
  }

  /** `GET writer/images/{id}/file/`: the image file, 404 when there is none. */
  async file(id: number): Promise<StreamableFile> {
    const image = await this.find(id);
    const file = await this.media.file(image.image_path);
    if (!file) throw ApiError.notFound();
    return this.media.stream(file);
  }

  /** `GET writer/images/content_images/`: a page of content with its images, in three queries. */
  async contentImages(raw: RawQuery, request: FastifyRequest): Promise<Paginated<ContentImagesView>> {
    const qb = this.refs.content
      .query()
      .andWhere(`EXISTS (SELECT 1 FROM igny8_images gi WHERE gi.content_id = c.id AND ${GROUPED_IMAGES})`);
    const page = await this.deps.lists.list(qb, CONTENT_IMAGES_LIST, raw, request);
    const contents = page.results;
    const images =
      contents.length === 0
        ? []
        : await this.repo
            .query()
            .andWhere('i.content_id IN (:...group_content_ids)', {
              group_content_ids: contents.map((content) => content.id),
            })
            .andWhere("i.image_type IN ('featured', 'in_article')")
            .orderBy('i.position', 'ASC')
            .addOrderBy('i.id', 'ASC')
            .getMany();
    const titles = new Map(contents.map((content) => [Number(content.id), content.title]));
    const views = await this.presentRows(images, titles);
    const groups = contents.map((content): ContentImagesView => {
      const own = views.filter((image) => Number(image.content_id) === Number(content.id));
      return {
        content_id: content.id,
        content_title: content.title,
        content_status: content.status,
        featured_image: own.find((image) => image.image_type === 'featured') ?? null,
        in_article_images: own.filter((image) => image.image_type === 'in_article'),
        overall_status: overallStatus(own.map((image) => image.status)),
      };
    });
    return new Paginated(page.count, page.next, page.previous, groups);
  }

  /** `content_title` (one query, or none when the titles are known) and the public `image_url`. */
  private async presentRows(rows: Image[], knownTitles?: Map<number, string>): Promise<ImageView[]> {
    if (rows.length === 0) return [];
    const [titles, urls] = await Promise.all([
      knownTitles ??
        labelsOf(
          this.refs.content,
          'title',
          rows.map((row) => row.content_id),
        ),
      this.media.urls(rows.map((row) => row.image_path)),
    ]);
    return rows.map((row) =>
      Object.assign(row, {
        image_url: row.image_path ? (urls.get(row.image_path) ?? null) : null,
        content_title: row.content_id === null ? null : (titles.get(Number(row.content_id)) ?? null),
      }),
    );
  }
}
