import type { EntityManager } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { Content, type ContentSiteStatus, type ContentStatus } from './entities/content.entity.js';

/*
 * What a WordPress site reports about the post of a content item (status webhooks, status checks,
 * syncs), applied to the content as reported (docs/wordpress-plugin.md#status-mapping): the remote
 * status decides `site_status`, may move `status` out of `published`, and links or unlinks the post.
 * These changes are not client transitions, so they do not go through the writer's state machines.
 */

export const REMOTE_POST_STATUSES = [
  'publish',
  'private',
  'future',
  'draft',
  'pending',
  'trash',
  'deleted',
] as const;
export type RemotePostStatus = (typeof REMOTE_POST_STATUSES)[number];

/** What a remote post status means for its content. */
export interface RemoteStatusEffect {
  site_status: 'published' | 'scheduled' | 'not_published';
  /** The status `published` content steps back to when the post stops being public (else null). */
  unpublished_status: 'review' | 'approved' | null;
}

/**
 * The one mapping of a WordPress post status (docs/wordpress-plugin.md#status-mapping): `publish` and
 * `private` publish the content, `future` schedules it, `pending` leaves it unpublished in review, and
 * `draft`, `trash`, a deleted post or anything unknown leave it unpublished and approved.
 */
export function remoteStatusEffect(remote: string): RemoteStatusEffect {
  if (remote === 'publish' || remote === 'private')
    return { site_status: 'published', unpublished_status: null };
  if (remote === 'future') return { site_status: 'scheduled', unpublished_status: null };
  return { site_status: 'not_published', unpublished_status: remote === 'pending' ? 'review' : 'approved' };
}

export interface RemotePostReport {
  post_status: RemotePostStatus;
  /** The remote post id; links content that has no `external_id` yet. */
  post_id?: string | null;
  post_url?: string | null;
  post_type?: string | null;
  /** The post's date (for `future`: when WordPress will publish it). */
  post_date_gmt?: Date | null;
  /** When the change happened; older than `external_metadata.last_synced_at` → ignored. */
  changed_at: Date;
}

export interface RemoteStatusOutcome {
  content_id: number;
  site_status: ContentSiteStatus;
  status: ContentStatus;
  updated: boolean;
  /** The post became public (was not `published` before): a publishing record of the event is due. */
  became_public: boolean;
  /** The post stopped being public (was `published`): the latest published record is retracted. */
  retracted: boolean;
}

export interface RemoteMetadataReport {
  title?: string;
  meta_title?: string;
  meta_description?: string;
  primary_keyword?: string;
  post_url?: string;
  post_id?: string | null;
  categories?: string[];
  tags?: string[];
  changed_at: Date;
}

/** Where the content comes from: the plugin names its content id, or only its post id. */
export interface RemotePostRef {
  content_id?: number;
  post_id?: string;
}

/**
 * The live content of `siteId` a remote post belongs to, locked for the update: by content id
 * within the site, otherwise by the site's content linked to the post id. Not found → 404.
 */
export async function lockContentForRemote(
  manager: EntityManager,
  siteId: number,
  ref: RemotePostRef,
): Promise<Content> {
  const query = tenantQuery(manager, Content, 'c')
    .andWhere('c.site_id = :site_id', { site_id: siteId })
    .setLock('pessimistic_write');
  if (ref.content_id !== undefined) query.andWhere('c.id = :id', { id: ref.content_id });
  else if (ref.post_id !== undefined) {
    query.andWhere('c.external_id = :external_id', { external_id: ref.post_id }).orderBy('c.id').limit(1);
  } else throw ApiError.notFound('Content not found.');
  const content = await query.getOne();
  if (!content) throw ApiError.notFound('Content not found.');
  return content;
}

function lastSyncedAt(content: Content): Date | null {
  const value = content.external_metadata?.last_synced_at;
  if (typeof value !== 'string') return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Whether the report is older than what the content already reflects (then it is ignored). */
function isStale(content: Content, changedAt: Date): boolean {
  const synced = lastSyncedAt(content);
  return synced !== null && changedAt.getTime() < synced.getTime();
}

/** Links the content to the remote post when it has no link yet (refused if another content has it). */
async function linkPost(manager: EntityManager, content: Content, postId: string, postType: string | null) {
  if (content.external_id !== null) return;
  const type = postType ?? content.external_type;
  const clash = await tenantQuery(manager, Content, 'c')
    .andWhere('c.site_id = :site_id AND c.external_id = :external_id AND c.id <> :id', {
      site_id: content.site_id,
      external_id: postId,
      id: content.id,
    })
    .andWhere(type === null ? 'c.external_type IS NULL' : 'c.external_type = :type', { type })
    .getExists();
  if (clash) throw new ApiError('conflict', 'Another content item is linked to this post.');
  content.external_id = postId;
  content.external_type = type;
}

/** Applies a remote post status to a locked content row (see the file comment). */
export async function applyRemoteStatus(
  manager: EntityManager,
  content: Content,
  report: RemotePostReport,
): Promise<RemoteStatusOutcome> {
  const outcome = (updated: boolean, became_public = false, retracted = false): RemoteStatusOutcome => ({
    content_id: content.id,
    site_status: content.site_status,
    status: content.status,
    updated,
    became_public,
    retracted,
  });
  if (isStale(content, report.changed_at)) return outcome(false);
  const wasPublic = content.site_status === 'published';
  const { post_status: remote } = report;
  if (remote !== 'deleted') {
    if (report.post_id) await linkPost(manager, content, report.post_id, report.post_type ?? null);
    if (report.post_url) content.external_url = report.post_url.slice(0, 1000);
    if (report.post_type && content.external_id === report.post_id) content.external_type = report.post_type;
  }
  let retracted = false;
  const effect = remoteStatusEffect(remote);
  if (effect.site_status === 'published') {
    if (content.external_id === null) {
      throw ApiError.field('post_id', 'The post id is needed to link published content.');
    }
    content.site_status = 'published';
    content.status = 'published';
    content.published_at ??= new Date();
    content.scheduled_publish_at = null;
  } else if (effect.site_status === 'scheduled') {
    content.site_status = 'scheduled';
    content.scheduled_publish_at = report.post_date_gmt ?? content.scheduled_publish_at ?? report.changed_at;
  } else {
    content.site_status = 'not_published';
    if (content.status === 'published') content.status = effect.unpublished_status ?? 'approved';
    retracted = wasPublic;
    if (remote === 'deleted') {
      content.external_id = null;
      content.external_url = null;
    }
  }
  content.external_metadata = {
    ...content.external_metadata,
    post_status: remote,
    last_synced_at: report.changed_at.toISOString(),
  };
  await manager.save(Content, content);
  return outcome(true, !wasPublic && content.site_status === 'published', retracted);
}

/** Applies remote edits (title, SEO fields, URL, term names) to a locked content row. */
export async function applyRemoteMetadata(
  manager: EntityManager,
  content: Content,
  report: RemoteMetadataReport,
): Promise<string[]> {
  if (isStale(content, report.changed_at)) return [];
  const updated: string[] = [];
  for (const field of ['title', 'meta_title', 'meta_description', 'primary_keyword'] as const) {
    const value = report[field];
    if (value !== undefined && value !== content[field]) {
      content[field] = value;
      updated.push(field);
    }
  }
  if (report.post_id && content.external_id === null) {
    await linkPost(manager, content, report.post_id, null);
    updated.push('external_id');
  }
  if (report.post_url !== undefined && report.post_url !== content.external_url) {
    content.external_url = report.post_url;
    updated.push('external_url');
  }
  const metadata: Record<string, unknown> = {
    ...content.external_metadata,
    last_synced_at: report.changed_at.toISOString(),
  };
  if (report.categories !== undefined || report.tags !== undefined) {
    const before = (content.external_metadata?.terms ?? {}) as { categories?: string[]; tags?: string[] };
    const terms = {
      categories: report.categories ?? before.categories ?? [],
      tags: report.tags ?? before.tags ?? [],
    };
    if (JSON.stringify(terms) !== JSON.stringify(before)) updated.push('terms');
    metadata.terms = terms;
  }
  content.external_metadata = metadata;
  await manager.save(Content, content);
  return updated;
}
