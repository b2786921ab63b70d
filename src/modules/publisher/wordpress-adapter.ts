import { Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { MediaStorage } from '../../common/media/media-storage.js';
import {
  decodeEntities,
  envelopeData,
  remoteMessage,
} from '../integration/wordpress/wordpress-connection.js';
import {
  type WordPressAnswer,
  type WordPressCall,
  type WordPressFailureReason,
  WordPressHttp,
  WordPressRequestError,
  type WordPressTarget,
} from '../integration/wordpress/wordpress-http.js';
import type { AuthMode } from '../integration/entities/site-integration.entity.js';
import type { RemotePost } from '../writer/writer-writes.js';
import { type BodyImage, publishHtml } from './publish-html.js';

/** One image of the content, as the adapter sends it. */
export interface PublishImage {
  id: number;
  image_type: 'featured' | 'in_article';
  position: number;
  url: string;
  path: string | null;
  alt: string;
  caption: string;
  width: number | null;
  height: number | null;
  /** Changes when the image does: an uploaded copy is reused while it is the same. */
  version: string;
}

/** Everything a publish sends, gathered by the publisher. */
export interface PublishRequest {
  content_id: number;
  site_id: number;
  title: string;
  content_html: string;
  status: 'publish' | 'draft';
  post_type: string;
  meta_title: string;
  meta_description: string;
  primary_keyword: string;
  secondary_keywords: string[];
  categories: string[];
  tags: string[];
  featured: PublishImage | null;
  in_article: PublishImage[];
  cluster_id: number | null;
  sector_id: number | null;
  task_id: number | null;
  keyword_ids: number[];
  schema_markup: unknown;
  sector_name: string | null;
  cluster_name: string | null;
  published_at: string | null;
  /** The remote post already linked (republish). */
  external_id: string | null;
  external_metadata: Record<string, unknown>;
  /** Writable meta keys (application-password mode). */
  writable_meta_keys: string[];
  /** Remote term ids already known by name (`category:<lower name>` / `tag:<lower name>`). */
  known_terms: Map<string, string>;
}

export interface ResolvedTerm {
  name: string;
  taxonomy_type: 'category' | 'tag';
  external_id: string;
  slug: string;
}

export type AdapterOutcome =
  | {
      ok: true;
      post: RemotePost;
      http_status: number;
      warnings: string[];
      terms: ResolvedTerm[];
      /** How WordPress's REST routes were reached (`query` after the `?rest_route=` fallback). */
      rest_style: 'path' | 'query';
    }
  | {
      ok: false;
      http_status: number | null;
      reason: WordPressFailureReason | 'remote_error';
      message: string;
      /** The remote site refused our credentials (401/403). */
      auth_failure: boolean;
    };

/** A remote answer that ends the publish. */
class RemoteFailure extends Error {
  constructor(
    readonly http_status: number | null,
    readonly reason: WordPressFailureReason | 'remote_error',
    message: string,
  ) {
    super(message);
  }
}

function ok2xx(answer: WordPressAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

function fail(answer: WordPressAnswer): RemoteFailure {
  return new RemoteFailure(
    answer.status,
    answer.json ? 'remote_error' : 'invalid_response',
    remoteMessage(answer),
  );
}

function object(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** A JSON scalar as text ('' for anything else). */
function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The marker that identifies a post as the content's, for finding it again after an unknown outcome. */
export function contentMarker(contentId: number): string {
  return `<!-- igny8-content-id:${contentId} -->`;
}

const TITLE_KEYS = ['_yoast_wpseo_title', '_seopress_titles_title', '_aioseo_title', '_igny8_meta_title'];
const DESCRIPTION_KEYS = [
  '_yoast_wpseo_metadesc',
  '_seopress_titles_desc',
  '_aioseo_description',
  '_igny8_meta_description',
];

/**
 * The post meta of an application-password publish (docs/publishing.md#modes): the SEO title and
 * description under every SEO plugin's key, and the IGNY8 ids and keywords (lists as JSON arrays), each
 * only when WordPress reports the key writable; undefined when none is.
 */
export function postMeta(request: PublishRequest): Record<string, unknown> | undefined {
  const writable = new Set(request.writable_meta_keys);
  const meta: Record<string, unknown> = {};
  for (const key of TITLE_KEYS) if (writable.has(key)) meta[key] = request.meta_title;
  for (const key of DESCRIPTION_KEYS) if (writable.has(key)) meta[key] = request.meta_description;
  const ids: Record<string, unknown> = {
    _igny8_content_id: request.content_id,
    _igny8_cluster_id: request.cluster_id,
    _igny8_sector_id: request.sector_id,
    _igny8_task_id: request.task_id,
    _igny8_primary_keyword: request.primary_keyword,
    _igny8_secondary_keywords: JSON.stringify(request.secondary_keywords),
    _igny8_keyword_ids: JSON.stringify(request.keyword_ids),
  };
  for (const [key, value] of Object.entries(ids)) if (writable.has(key) && value !== null) meta[key] = value;
  return Object.keys(meta).length > 0 ? meta : undefined;
}

/**
 * Publishing to WordPress in both modes (docs/publishing.md): the bridge plugin's `publish`,
 * `unpublish` and `post-status` routes with the site key, or WordPress core REST with an
 * application password (media first, then terms, then the post). Never retries a write; a publish
 * never creates a second post for one content: an existing link is updated, and without one a post
 * carrying the content's marker is looked up first (a previous attempt may have created it before
 * its answer was lost).
 */
@Injectable()
export class WordPressAdapter {
  constructor(
    private readonly http: WordPressHttp,
    private readonly media: MediaStorage,
  ) {}

  async publish(target: WordPressTarget, mode: AuthMode, request: PublishRequest): Promise<AdapterOutcome> {
    try {
      return mode === 'application_password'
        ? await this.publishCore(target, request)
        : await this.publishBridge(target, request);
    } catch (error) {
      return this.failure(error);
    }
  }

  private failure(error: unknown): AdapterOutcome {
    if (error instanceof RemoteFailure) {
      return {
        ok: false,
        http_status: error.http_status,
        reason: error.reason,
        message: error.message,
        auth_failure: error.http_status === 401 || error.http_status === 403,
      };
    }
    if (error instanceof WordPressRequestError) {
      return {
        ok: false,
        http_status: null,
        reason: error.reason,
        message: `Could not reach WordPress: ${error.reason}`,
        auth_failure: false,
      };
    }
    throw error;
  }

  // ---- bridge mode ----------------------------------------------------------------------------

  private bridgePayload(request: PublishRequest): Record<string, unknown> {
    const image = (i: PublishImage) => ({ url: i.url, alt: i.alt, caption: i.caption, position: i.position });
    const inArticle = request.in_article.map(image);
    const body = publishHtml(
      request.content_html,
      request.in_article.map((i) => ({ ...i })),
    );
    return {
      content_id: request.content_id,
      site_id: request.site_id,
      title: request.title,
      content_html: body,
      status: request.status,
      post_type: request.post_type,
      seo_title: request.meta_title,
      meta_title: request.meta_title,
      seo_description: request.meta_description,
      meta_description: request.meta_description,
      primary_keyword: request.primary_keyword,
      secondary_keywords: request.secondary_keywords,
      categories: request.categories,
      tags: request.tags,
      featured_image_url: request.featured?.url ?? null,
      featured_image: request.featured ? image(request.featured) : null,
      in_article_images: inArticle,
      gallery_images: inArticle,
      cluster_id: request.cluster_id,
      sector_id: request.sector_id,
      task_id: request.task_id,
      keyword_ids: request.keyword_ids,
      schema_markup: request.schema_markup ?? null,
      sectors: request.sector_name ? [request.sector_name] : [],
      clusters: request.cluster_name ? [request.cluster_name] : [],
      focus_keywords: [request.primary_keyword, ...request.secondary_keywords].filter(Boolean),
      published_at: request.published_at,
    };
  }

  private async publishBridge(target: WordPressTarget, request: PublishRequest): Promise<AdapterOutcome> {
    const json = this.bridgePayload(request);
    let answer = await this.http.request(target, { method: 'POST', route: 'igny8/v1/publish', json });
    if (answer.status === 404 && object(answer.body).code === 'rest_no_route') {
      answer = await this.http.request(target, { method: 'POST', route: 'igny8/v1/publish-content/', json });
    }
    if (!ok2xx(answer) || !answer.json || object(answer.body).success === false) throw fail(answer);
    const data = envelopeData(answer.body);
    if (!text(data.post_id)) {
      throw new RemoteFailure(answer.status, 'invalid_response', 'WordPress answered without a post id.');
    }
    const post_status = typeof data.post_status === 'string' ? data.post_status : request.status;
    return {
      ok: true,
      http_status: answer.status,
      warnings: [],
      rest_style: answer.restStyle,
      terms: [],
      post: {
        external_id: text(data.post_id),
        external_url: typeof data.post_url === 'string' ? data.post_url : null,
        external_type: typeof data.post_type === 'string' ? data.post_type : request.post_type,
        post_status,
        external_metadata: {
          post_status,
          term_ids: data.term_ids ?? null,
          featured_media_id: data.featured_media_id ?? null,
          mode: 'bridge_api_key',
          rest_style: answer.restStyle,
          last_synced_at: new Date().toISOString(),
        },
      },
    };
  }

  // ---- application-password mode ---------------------------------------------------------------

  private async call(target: WordPressTarget, call: WordPressCall): Promise<WordPressAnswer> {
    return this.http.request(target, call);
  }

  private async upload(
    target: WordPressTarget,
    request: PublishRequest,
    image: PublishImage,
  ): Promise<{ id: number; source_url: string }> {
    const cache = object(object(request.external_metadata.media)[String(image.id)]);
    if (
      typeof cache.id === 'number' &&
      typeof cache.source_url === 'string' &&
      cache.version === image.version
    ) {
      return { id: cache.id, source_url: cache.source_url };
    }
    const file = await this.media.find(image.path);
    if (!file) throw new RemoteFailure(null, 'remote_error', `The file of image ${image.id} is missing.`);
    const bytes = await readFile(file.path);
    const name = `igny8-${request.content_id}-${image.image_type}-${image.position}.webp`;
    const uploaded = await this.call(target, {
      method: 'POST',
      route: 'wp/v2/media',
      raw: { body: bytes, contentType: 'image/webp', disposition: `attachment; filename="${name}"` },
      media: true,
    });
    const body = object(uploaded.body);
    if (!ok2xx(uploaded) || typeof body.id !== 'number' || typeof body.source_url !== 'string')
      throw fail(uploaded);
    const described = await this.call(target, {
      method: 'POST',
      route: `wp/v2/media/${body.id}`,
      json: { alt_text: image.alt, caption: image.caption },
    });
    if (!ok2xx(described)) throw fail(described);
    return { id: body.id, source_url: body.source_url };
  }

  /** The remote id of a category or tag by name: known, found by search, or created. */
  private async term(
    target: WordPressTarget,
    request: PublishRequest,
    name: string,
    type: 'category' | 'tag',
  ): Promise<ResolvedTerm> {
    const known = request.known_terms.get(`${type}:${name.toLowerCase()}`);
    const route = type === 'category' ? 'wp/v2/categories' : 'wp/v2/tags';
    if (known) return { name, taxonomy_type: type, external_id: known, slug: '' };
    const found = await this.call(target, { method: 'GET', route, query: { search: name, per_page: 100 } });
    if (ok2xx(found) && Array.isArray(found.body)) {
      for (const item of found.body as unknown[]) {
        const row = object(item);
        if (typeof row.name === 'string' && decodeEntities(row.name).toLowerCase() === name.toLowerCase()) {
          return { name, taxonomy_type: type, external_id: text(row.id), slug: text(row.slug) };
        }
      }
    }
    const created = await this.call(target, { method: 'POST', route, json: { name } });
    const body = object(created.body);
    if (ok2xx(created) && body.id !== undefined) {
      return { name, taxonomy_type: type, external_id: text(body.id), slug: text(body.slug) };
    }
    const existing = object(body.data).term_id;
    if (created.status === 400 && body.code === 'term_exists' && existing !== undefined) {
      return { name, taxonomy_type: type, external_id: text(existing), slug: '' };
    }
    throw fail(created);
  }

  /** A post of this content created by an attempt whose answer never arrived. */
  private async findByMarker(target: WordPressTarget, request: PublishRequest): Promise<number | null> {
    const found = await this.call(target, {
      method: 'GET',
      route: 'wp/v2/posts',
      query: {
        context: 'edit',
        search: request.title.slice(0, 100),
        status: 'publish,future,draft,pending,private,trash',
        per_page: 100,
      },
    });
    if (!ok2xx(found) || !Array.isArray(found.body)) return null;
    const marker = contentMarker(request.content_id);
    for (const item of found.body as unknown[]) {
      const row = object(item);
      const raw = object(row.content).raw;
      const metaId = object(row.meta)._igny8_content_id;
      if ((typeof raw === 'string' && raw.includes(marker)) || Number(metaId) === request.content_id) {
        return Number(row.id);
      }
    }
    return null;
  }

  private async publishCore(target: WordPressTarget, request: PublishRequest): Promise<AdapterOutcome> {
    const warnings: string[] = [];
    const media: Record<string, unknown> = {};
    let featuredId: number | undefined;
    if (request.featured) {
      const uploaded = await this.upload(target, request, request.featured);
      featuredId = uploaded.id;
      media[String(request.featured.id)] = { ...uploaded, version: request.featured.version };
    }
    const bodyImages: BodyImage[] = [];
    for (const image of request.in_article) {
      try {
        const uploaded = await this.upload(target, request, image);
        media[String(image.id)] = { ...uploaded, version: image.version };
        bodyImages.push({ ...image, url: uploaded.source_url });
      } catch (error) {
        if (!(error instanceof RemoteFailure) && !(error instanceof WordPressRequestError)) throw error;
        warnings.push(`In-article image ${image.position} was not uploaded: ${error.message}`);
      }
    }
    const terms: ResolvedTerm[] = [];
    for (const name of request.categories) terms.push(await this.term(target, request, name, 'category'));
    const tagNames: string[] = [];
    for (const name of [...request.tags, request.primary_keyword, ...request.secondary_keywords]) {
      const trimmed = name.trim();
      if (trimmed && !tagNames.some((seen) => seen.toLowerCase() === trimmed.toLowerCase()))
        tagNames.push(trimmed);
    }
    for (const name of tagNames) terms.push(await this.term(target, request, name, 'tag'));
    const categories = terms.filter((t) => t.taxonomy_type === 'category').map((t) => Number(t.external_id));
    const tags = terms.filter((t) => t.taxonomy_type === 'tag').map((t) => Number(t.external_id));

    const writable = new Set(request.writable_meta_keys);
    const post: Record<string, unknown> = {
      title: request.title,
      content: `${contentMarker(request.content_id)}\n${publishHtml(request.content_html, bodyImages)}`,
      status: request.status,
      ...(categories.length > 0 ? { categories } : {}),
      tags,
      ...(featuredId !== undefined ? { featured_media: featuredId } : {}),
      ...(DESCRIPTION_KEYS.some((key) => writable.has(key)) ? {} : { excerpt: request.meta_description }),
    };
    const meta = postMeta(request);
    if (meta) post.meta = meta;

    const existing = request.external_id
      ? Number(request.external_id)
      : await this.findByMarker(target, request);
    let answer: WordPressAnswer | null = null;
    if (existing) {
      answer = await this.call(target, { method: 'POST', route: `wp/v2/posts/${existing}`, json: post });
      if (answer.status === 404 || answer.status === 410) answer = null;
    }
    answer ??= await this.call(target, { method: 'POST', route: 'wp/v2/posts', json: post });
    const body = object(answer.body);
    if (!ok2xx(answer) || typeof body.id !== 'number') throw fail(answer);
    const post_status = text(body.status) || request.status;
    return {
      ok: true,
      http_status: answer.status,
      warnings,
      terms,
      rest_style: answer.restStyle,
      post: {
        external_id: String(body.id),
        external_url: typeof body.link === 'string' ? body.link : null,
        external_type: typeof body.type === 'string' ? body.type : 'post',
        post_status,
        post_date_gmt: typeof body.date_gmt === 'string' ? `${body.date_gmt}Z` : null,
        external_metadata: {
          post_status,
          term_ids: { categories, tags },
          featured_media_id: featuredId ?? null,
          media,
          mode: 'application_password',
          last_synced_at: new Date().toISOString(),
        },
      },
    };
  }

  // ---- unpublish and status -------------------------------------------------------------------

  /** Trashes the remote post; a post already gone counts as done. */
  async unpublish(
    target: WordPressTarget,
    mode: AuthMode,
    contentId: number,
    externalId: string,
  ): Promise<{ ok: true; http_status: number } | Extract<AdapterOutcome, { ok: false }>> {
    try {
      const answer =
        mode === 'application_password'
          ? await this.call(target, {
              method: 'DELETE',
              route: `wp/v2/posts/${encodeURIComponent(externalId)}`,
            })
          : await this.call(target, {
              method: 'POST',
              route: 'igny8/v1/unpublish',
              json: { content_id: contentId, post_id: Number(externalId), action: 'trash' },
            });
      if (ok2xx(answer) || answer.status === 404 || answer.status === 410)
        return { ok: true, http_status: answer.status };
      throw fail(answer);
    } catch (error) {
      return this.failure(error);
    }
  }

  /** The remote post's status now (`deleted` when it is gone). */
  async status(
    target: WordPressTarget,
    mode: AuthMode,
    externalId: string,
  ): Promise<
    | {
        ok: true;
        post_status: string;
        post_url: string | null;
        post_type: string | null;
        modified_at: string | null;
        post_date_gmt: string | null;
      }
    | Extract<AdapterOutcome, { ok: false }>
  > {
    try {
      const id = encodeURIComponent(externalId);
      const answer =
        mode === 'application_password'
          ? await this.call(target, { method: 'GET', route: `wp/v2/posts/${id}`, query: { context: 'edit' } })
          : await this.call(target, { method: 'GET', route: `igny8/v1/post-status/${id}` });
      if (answer.status === 404 || answer.status === 410) {
        return {
          ok: true,
          post_status: 'deleted',
          post_url: null,
          post_type: null,
          modified_at: null,
          post_date_gmt: null,
        };
      }
      if (!ok2xx(answer) || !answer.json) throw fail(answer);
      const data = mode === 'application_password' ? object(answer.body) : envelopeData(answer.body);
      const gmt = (value: unknown) =>
        typeof value === 'string' && value ? (value.endsWith('Z') ? value : `${value}Z`) : null;
      return {
        ok: true,
        post_status: text(data.post_status ?? data.status) || 'deleted',
        post_url:
          typeof (data.post_url ?? data.link) === 'string' ? String(data.post_url ?? data.link) : null,
        post_type:
          typeof (data.post_type ?? data.type) === 'string' ? String(data.post_type ?? data.type) : null,
        modified_at: gmt(data.modified_at ?? data.modified_gmt),
        post_date_gmt: gmt(data.post_date_gmt ?? data.date_gmt),
      };
    } catch (error) {
      return this.failure(error) as Extract<AdapterOutcome, { ok: false }>;
    }
  }
}
