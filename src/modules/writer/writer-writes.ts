import type { EntityManager } from 'typeorm';
import type { SoftDeleteService } from '../../common/tenancy/soft-delete.service.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { completeIdea } from '../planner/planner-writes.js';
import { wordCount } from './content-text.js';
import { ContentTaxonomyRelation } from './entities/content-taxonomy-relation.entity.js';
import { Content, type InternalLink } from './entities/content.entity.js';
import { Image, type ImageQualityTier, type ImageType } from './entities/image.entity.js';
import { Task } from './entities/task.entity.js';
import { CONTENT_SITE_STATUS, IMAGE_STATUS, TASK_STATUS } from './state-machines.js';
import { ContentTaxonomy } from './entities/content-taxonomy.entity.js';
import { maintainingMappedPages } from './mapped-pages.js';
import { remoteStatusEffect } from './remote-status.js';

/*
 * The writer rows other modules create or move (AI content generation), each inside the caller's
 * transaction: they pass their EntityManager. Status changes touch only rows the writer's state
 * machines let reach the new status.
 */

/** The tasks start generating (a resumed job's own tasks already are; they stay so). */
export async function startGeneratingTasks(
  manager: EntityManager,
  taskIds: readonly number[],
): Promise<void> {
  const sql = tenantSql(manager);
  const t = sql.table(Task, 't');
  await sql.query`
    UPDATE ${t} SET status = 'generating', error_message = NULL, updated_at = now()
     WHERE ${t.scope} AND t.id = ANY(${taskIds}::bigint[])
       AND t.status = ANY(${[...TASK_STATUS.sources('generating'), 'generating']}::text[])`;
}

export interface GeneratedArticle {
  title: string;
  content_html: string;
  meta_title: string;
  meta_description: string;
  primary_keyword: string;
  secondary_keywords: string[];
}

/**
 * Saves the article generated for a task as its `draft` content of `siteId` (with the task's
 * taxonomy term), completes the task and its idea; returns the content id.
 */
export async function saveGeneratedContent(
  manager: EntityManager,
  siteId: number,
  task: Task,
  article: GeneratedArticle,
): Promise<number> {
  const content = await maintainingMappedPages(manager, { clusterIds: [task.cluster_id] }, () =>
    manager.save(
      manager.create(Content, {
        site_id: siteId,
        sector_id: task.sector_id,
        title: article.title,
        content_html: article.content_html,
        word_count: wordCount(article.content_html),
        meta_title: article.meta_title,
        meta_description: article.meta_description,
        primary_keyword: article.primary_keyword,
        secondary_keywords: article.secondary_keywords,
        cluster_id: task.cluster_id,
        task_id: task.id,
        content_type: task.content_type,
        content_structure: task.content_structure,
        source: 'igny8',
        status: 'draft',
        site_status: 'not_published',
      }),
    ),
  );
  const sql = tenantSql(manager);
  if (task.taxonomy_term_id !== null) {
    await sql.query`
      INSERT INTO ${sql.insertInto(ContentTaxonomyRelation)} (content_id, taxonomy_id)
      VALUES (${content.id}, ${task.taxonomy_term_id}) ON CONFLICT DO NOTHING`;
  }
  const t = sql.table(Task, 't');
  await sql.query`
    UPDATE ${t} SET status = 'completed', error_message = NULL, updated_at = now()
     WHERE ${t.scope} AND t.id = ${task.id} AND t.status = ANY(${TASK_STATUS.sources('completed')}::text[])`;
  if (task.idea_id !== null) await completeIdea(manager, task.idea_id);
  return content.id;
}

/** Generating the task failed. */
export async function failTask(manager: EntityManager, taskId: number, error: string): Promise<void> {
  const sql = tenantSql(manager);
  const t = sql.table(Task, 't');
  await sql.query`
    UPDATE ${t} SET status = 'failed', error_message = ${error}, updated_at = now() WHERE ${t.scope} AND t.id = ${taskId}`;
}

/**
 * The job ended early: its tasks still generating and without content fail. The account is named
 * because the task reconciler ends jobs as the system, which the tenant scope does not limit.
 */
export async function failUnfinishedTasks(
  manager: EntityManager,
  accountId: number,
  taskIds: readonly number[],
  error: string,
): Promise<void> {
  const sql = tenantSql(manager);
  const t = sql.table(Task, 't');
  const c = sql.table(Content, 'c');
  await sql.query`
    UPDATE ${t} SET status = 'failed', error_message = ${error}, updated_at = now()
     WHERE ${t.scope} AND t.id = ANY(${taskIds}::bigint[]) AND t.account_id = ${accountId} AND t.status = 'generating'
       AND NOT EXISTS (SELECT 1 FROM ${c} WHERE ${c.scope} AND c.task_id = t.id AND c.deleted_at IS NULL)`;
}

/** Only a task being generated is released (the `generating → queued` transition). */
const RELEASABLE = TASK_STATUS.sources('queued').filter((status) => status === 'generating');

/**
 * Tasks a job put to `generating` but will not generate (its automation run was cancelled, or credits
 * refused them) are released back to `queued`; one that got its content meanwhile is left alone. The
 * account is named because a recovery at start-up works as the system.
 */
export async function releaseTasks(
  manager: EntityManager,
  accountId: number,
  taskIds: readonly number[],
): Promise<void> {
  const sql = tenantSql(manager);
  const t = sql.table(Task, 't');
  const c = sql.table(Content, 'c');
  await sql.query`
    UPDATE ${t} SET status = 'queued', error_message = NULL, updated_at = now()
     WHERE ${t.scope} AND t.id = ANY(${taskIds}::bigint[]) AND t.account_id = ${accountId}
       AND t.status = ANY(${RELEASABLE}::text[])
       AND NOT EXISTS (SELECT 1 FROM ${c} WHERE ${c.scope} AND c.task_id = t.id AND c.deleted_at IS NULL)`;
}

export interface ImagePrompt {
  image_type: ImageType;
  position: number;
  prompt: string;
  alt_text: string;
}

/**
 * The content's new image prompts, as `pending` images of `siteId`; its `pending` and `failed`
 * images are soft-deleted (by `actorId`) rather than moved. Returns the new image ids.
 */
export async function replaceImagePrompts(
  manager: EntityManager,
  siteId: number,
  content: Pick<Content, 'id' | 'sector_id' | 'task_id'>,
  prompts: readonly ImagePrompt[],
  actorId: number | null,
  softDeletes: SoftDeleteService,
): Promise<number[]> {
  const sql = tenantSql(manager);
  const i = sql.table(Image, 'i');
  const replaced = await sql.query<{ id: number }[]>`
    SELECT i.id FROM ${i}
     WHERE ${i.scope} AND i.content_id = ${content.id} AND i.deleted_at IS NULL AND i.status IN ('pending', 'failed')`;
  await softDeletes.softDelete(
    manager,
    Image,
    replaced.map((row) => Number(row.id)),
    actorId,
  );
  const ids: number[] = [];
  for (const prompt of prompts) {
    const saved = await manager.save(
      manager.create(Image, {
        ...prompt,
        site_id: siteId,
        sector_id: content.sector_id,
        content_id: content.id,
        task_id: content.task_id,
        status: 'pending',
      }),
    );
    ids.push(saved.id);
  }
  return ids;
}

export interface GeneratedImage {
  image_path: string;
  image_url: string;
  model_used: string;
  quality_tier: ImageQualityTier | null;
  width: number;
  height: number;
}

/** The image was generated. */
export async function saveGeneratedImage(
  manager: EntityManager,
  imageId: number,
  image: GeneratedImage,
): Promise<void> {
  const sql = tenantSql(manager);
  const i = sql.table(Image, 'i');
  await sql.query`
    UPDATE ${i}
       SET status = 'generated', image_path = ${image.image_path}, image_url = ${image.image_url},
           model_used = ${image.model_used}, quality_tier = ${image.quality_tier}, width = ${image.width},
           height = ${image.height}, error_message = NULL, updated_at = now()
     WHERE ${i.scope} AND i.id = ${imageId} AND i.status = ANY(${IMAGE_STATUS.sources('generated')}::text[])`;
}

/** Generating the image failed. */
export async function failImage(manager: EntityManager, imageId: number, error: string): Promise<void> {
  const sql = tenantSql(manager);
  const i = sql.table(Image, 'i');
  await sql.query`
    UPDATE ${i} SET status = 'failed', error_message = ${error}, updated_at = now()
     WHERE ${i.scope} AND i.id = ${imageId} AND i.status = ANY(${IMAGE_STATUS.sources('failed')}::text[])`;
}

/**
 * A draft content whose live images are all generated or failed moves to review, or straight on to
 * approved when the site's publishing settings auto-approve.
 */
export async function reviewContentWhenImagesDone(
  manager: EntityManager,
  contentId: number,
  autoApprove: boolean,
): Promise<void> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  const i = sql.table(Image, 'i');
  await sql.query`
    UPDATE ${c} SET status = ${autoApprove ? 'approved' : 'review'}, updated_at = now()
     WHERE ${c.scope} AND c.id = ${contentId} AND c.status = 'draft' AND c.deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM ${i}
                        WHERE ${i.scope} AND i.content_id = c.id AND i.deleted_at IS NULL AND i.status = 'pending')`;
}

/** Content in `review` is approved (the automation review gate with auto-approval on); returns how many moved. */
export async function approveReviewedContent(
  manager: EntityManager,
  contentIds: readonly number[],
): Promise<number> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  const [, count] = await sql.query<[unknown[], number]>`
    UPDATE ${c} SET status = 'approved', updated_at = now()
     WHERE ${c.scope} AND c.id = ANY(${contentIds}::bigint[]) AND c.status = 'review' AND c.deleted_at IS NULL`;
  return count;
}

/** The rewritten body and meta fields of optimised content (`word_count` follows the body). */
export interface OptimizedContent {
  content_html: string;
  meta_title: string;
  meta_description: string;
}

/** Saves an optimised body and meta fields on live content; false when the content is gone. */
export async function saveOptimizedContent(
  manager: EntityManager,
  contentId: number,
  optimized: OptimizedContent,
): Promise<boolean> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  const rows = await sql.returning`
    UPDATE ${c} SET content_html = ${optimized.content_html}, word_count = ${wordCount(optimized.content_html)},
           meta_title = ${optimized.meta_title}, meta_description = ${optimized.meta_description}, updated_at = now()
     WHERE ${c.scope} AND c.id = ${contentId} AND c.deleted_at IS NULL RETURNING c.id`;
  return rows.length > 0;
}

/**
 * Saves the body with links the linker inserted, and adds those links to `internal_links`; false when the
 * content is gone.
 */
export async function saveInternalLinks(
  manager: EntityManager,
  contentId: number,
  html: string,
  added: readonly InternalLink[],
): Promise<boolean> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  const rows = await sql.returning`
    UPDATE ${c} SET content_html = ${html}, word_count = ${wordCount(html)},
           internal_links = c.internal_links || ${JSON.stringify(added)}::jsonb, updated_at = now()
     WHERE ${c.scope} AND c.id = ${contentId} AND c.deleted_at IS NULL RETURNING c.id`;
  return rows.length > 0;
}

/*
 * Publishing (docs/publishing.md): the publisher moves content through these, never by writing the
 * table itself. Each change is limited to the rows the site-status machine lets reach the new status.
 */

/** A publish attempt starts: `site_status = publishing`. False when the content cannot start one. */
export async function startPublishing(manager: EntityManager, contentId: number): Promise<boolean> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  const rows = await sql.returning<{ id: number }>`
    UPDATE ${c} SET site_status = 'publishing', updated_at = now()
     WHERE ${c.scope} AND c.id = ${contentId} AND c.deleted_at IS NULL
       AND c.site_status = ANY(${CONTENT_SITE_STATUS.sources('publishing')}::text[])
    RETURNING c.id`;
  return rows.length > 0;
}

/** The publish attempt failed: `site_status = failed`, `sync_status = failed`. */
export async function failPublishing(manager: EntityManager, contentId: number): Promise<void> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  await sql.query`
    UPDATE ${c} SET site_status = 'failed', sync_status = 'failed', updated_at = now()
     WHERE ${c.scope} AND c.id = ${contentId} AND c.site_status = 'publishing'`;
}

/** What the remote site reports about the content's post. */
export interface RemotePost {
  external_id: string;
  external_url: string | null;
  external_type: string | null;
  /** WordPress post status: publish, private, future, draft, pending, trash. */
  post_status: string;
  /** GMT date of a `future` post. */
  post_date_gmt?: string | null;
  external_metadata: Record<string, unknown>;
}

/**
 * The post was delivered (or re-read): the link is stored and the remote status mapped — a public
 * post publishes the content (`published`, `published_at = now`), `future` schedules it, a draft,
 * pending or trashed post leaves it unpublished (a `published` content steps back to `approved`, or
 * `review` for pending). Returns whether the post is public.
 */
export async function applyRemotePost(
  manager: EntityManager,
  contentId: number,
  post: RemotePost,
): Promise<boolean> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  const common = sql.sql`external_id = ${post.external_id}, external_url = ${post.external_url},
    external_type = ${post.external_type}, external_metadata = ${JSON.stringify(post.external_metadata)}::jsonb,
    sync_status = 'synced', updated_at = now()`;
  const effect = remoteStatusEffect(post.post_status);
  if (effect.site_status === 'published') {
    await sql.query`
      UPDATE ${c} SET ${common}, site_status = 'published', status = 'published',
             published_at = now(),
             scheduled_publish_at = NULL
       WHERE ${c.scope} AND c.id = ${contentId}`;
    return true;
  }
  if (effect.site_status === 'scheduled' && post.post_date_gmt) {
    await sql.query`
      UPDATE ${c} SET ${common}, site_status = 'scheduled', scheduled_publish_at = ${post.post_date_gmt}::timestamptz
       WHERE ${c.scope} AND c.id = ${contentId}`;
    return false;
  }
  const fallback = effect.unpublished_status ?? 'approved';
  await sql.query`
    UPDATE ${c} SET ${common}, site_status = 'not_published',
           status = CASE WHEN c.status = 'published' THEN ${fallback} ELSE c.status END
     WHERE ${c.scope} AND c.id = ${contentId}`;
  return false;
}

/** The remote post is gone or was retracted: unpublished, `approved`, link cleared. */
export async function markUnpublished(
  manager: EntityManager,
  contentId: number,
  metadata: Record<string, unknown>,
): Promise<void> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  await sql.query`
    UPDATE ${c} SET site_status = 'not_published',
           status = CASE WHEN c.status = 'published' THEN 'approved' ELSE c.status END,
           external_id = NULL, external_url = NULL, external_metadata = ${JSON.stringify(metadata)}::jsonb,
           updated_at = now()
     WHERE ${c.scope} AND c.id = ${contentId}`;
}

/** Schedules approved content at `at`; false when the content is not approved or cannot be scheduled. */
export async function scheduleContent(manager: EntityManager, contentId: number, at: Date): Promise<boolean> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  const rows = await sql.returning<{ id: number }>`
    UPDATE ${c} SET site_status = 'scheduled', scheduled_publish_at = ${at.toISOString()}::timestamptz, updated_at = now()
     WHERE ${c.scope} AND c.id = ${contentId} AND c.deleted_at IS NULL AND c.status = 'approved'
       AND c.site_status = ANY(${[...CONTENT_SITE_STATUS.sources('scheduled'), 'scheduled']}::text[])
    RETURNING c.id`;
  return rows.length > 0;
}

/** Scheduled content goes back to `not_published`; false when it was not scheduled. */
export async function unscheduleContent(manager: EntityManager, contentId: number): Promise<boolean> {
  const sql = tenantSql(manager);
  const c = sql.table(Content, 'c');
  const rows = await sql.returning<{ id: number }>`
    UPDATE ${c} SET site_status = 'not_published', scheduled_publish_at = NULL, updated_at = now()
     WHERE ${c.scope} AND c.id = ${contentId} AND c.site_status = 'scheduled'
    RETURNING c.id`;
  return rows.length > 0;
}

/**
 * Links a site's category or tag named `name` to its remote term id, creating the term row (synced)
 * when the site has none by that name. With `remote` (a sync reading WordPress's terms), the row
 * already linked to that remote term takes WordPress's name and count instead, so a term renamed in
 * WordPress is renamed here.
 */
export async function linkRemoteTerm(
  manager: EntityManager,
  site: { id: number; account_id: number },
  term: { name: string; taxonomy_type: 'category' | 'tag'; external_id: string; slug: string },
  remote?: { count: number },
): Promise<void> {
  const sql = tenantSql(manager);
  const tt = sql.table(ContentTaxonomy, 'tt');
  const o = sql.table(ContentTaxonomy, 'o');
  const externalTaxonomy = term.taxonomy_type === 'category' ? 'category' : 'post_tag';
  const count = remote ? Math.max(0, Math.trunc(remote.count)) : null;
  if (remote) {
    const renamed = await sql.returning<{ id: number }>`
      UPDATE ${tt} SET name = ${term.name.slice(0, 255)}, count = ${count},
             sync_status = 'synced', updated_at = now()
       WHERE ${tt.scope} AND tt.site_id = ${site.id} AND tt.deleted_at IS NULL
         AND tt.external_id = ${term.external_id} AND tt.external_taxonomy = ${externalTaxonomy}
      RETURNING tt.id`;
    if (renamed.length > 0) return;
  }
  const updated = await sql.returning<{ id: number }>`
    UPDATE ${tt} SET external_id = ${term.external_id}, external_taxonomy = ${externalTaxonomy},
           count = COALESCE(${count}::int, tt.count), sync_status = 'synced', updated_at = now()
     WHERE ${tt.scope} AND tt.site_id = ${site.id} AND tt.deleted_at IS NULL
       AND tt.taxonomy_type = ${term.taxonomy_type} AND lower(tt.name) = lower(${term.name})
       AND NOT EXISTS (SELECT 1 FROM ${o} WHERE ${o.scope} AND o.site_id = ${site.id}
                        AND o.external_id = ${term.external_id} AND o.external_taxonomy = ${externalTaxonomy}
                        AND o.id <> tt.id)
    RETURNING tt.id`;
  if (updated.length > 0) return;
  await sql.query`
    INSERT INTO ${sql.insertInto(ContentTaxonomy)}
           (account_id, site_id, name, slug, taxonomy_type, external_taxonomy, external_id, sync_status, count)
    VALUES (${site.account_id}, ${site.id}, ${term.name.slice(0, 255)}, ${term.slug.slice(0, 255)},
            ${term.taxonomy_type}, ${externalTaxonomy}, ${term.external_id}, 'synced',
            ${count ?? 0})
    ON CONFLICT DO NOTHING`;
}
