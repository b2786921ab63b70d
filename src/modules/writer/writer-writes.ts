import type { EntityManager } from 'typeorm';
import type { SoftDeleteService } from '../../common/tenancy/soft-delete.service.js';
import { completeIdea } from '../planner/planner-writes.js';
import { wordCount } from './content-text.js';
import { ContentTaxonomyRelation } from './entities/content-taxonomy-relation.entity.js';
import { Content } from './entities/content.entity.js';
import { Image, type ImageQualityTier, type ImageType } from './entities/image.entity.js';
import type { Task } from './entities/task.entity.js';
import { IMAGE_STATUS, TASK_STATUS } from './state-machines.js';
import { maintainingMappedPages } from './mapped-pages.js';

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
  await manager.query(
    `UPDATE igny8_tasks SET status = 'generating', error_message = NULL, updated_at = now()
      WHERE id = ANY($1::bigint[]) AND status = ANY($2::text[])`,
    [taskIds, [...TASK_STATUS.sources('generating'), 'generating']],
  );
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
  const repository = manager.getRepository(Content);
  const content = await maintainingMappedPages(manager, { clusterIds: [task.cluster_id] }, () =>
    repository.save(
      repository.create({
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
  if (task.taxonomy_term_id !== null) {
    await manager
      .createQueryBuilder()
      .insert()
      .into(ContentTaxonomyRelation)
      .values({ content_id: content.id, taxonomy_id: task.taxonomy_term_id })
      .orIgnore()
      .execute();
  }
  await manager.query(
    `UPDATE igny8_tasks SET status = 'completed', error_message = NULL, updated_at = now()
      WHERE id = $1 AND status = ANY($2::text[])`,
    [task.id, TASK_STATUS.sources('completed')],
  );
  if (task.idea_id !== null) await completeIdea(manager, task.idea_id);
  return content.id;
}

/** Generating the task failed. */
export async function failTask(manager: EntityManager, taskId: number, error: string): Promise<void> {
  await manager.query(
    `UPDATE igny8_tasks SET status = 'failed', error_message = $2, updated_at = now() WHERE id = $1`,
    [taskId, error],
  );
}

/** The job ended early: its tasks still generating and without content fail. */
export async function failUnfinishedTasks(
  manager: EntityManager,
  accountId: number,
  taskIds: readonly number[],
  error: string,
): Promise<void> {
  await manager.query(
    `UPDATE igny8_tasks t SET status = 'failed', error_message = $3, updated_at = now()
      WHERE t.id = ANY($1::bigint[]) AND t.account_id = $2 AND t.status = 'generating'
        AND NOT EXISTS (SELECT 1 FROM igny8_content c WHERE c.task_id = t.id AND c.deleted_at IS NULL)`,
    [taskIds, accountId, error],
  );
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
  const replaced = await manager.query<{ id: number }[]>(
    `SELECT id FROM igny8_images WHERE content_id = $1 AND deleted_at IS NULL AND status IN ('pending', 'failed')`,
    [content.id],
  );
  await softDeletes.softDelete(
    manager,
    Image,
    replaced.map((row) => Number(row.id)),
    actorId,
  );
  const repository = manager.getRepository(Image);
  const ids: number[] = [];
  for (const prompt of prompts) {
    const saved = await repository.save(
      repository.create({
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
  await manager.query(
    `UPDATE igny8_images
        SET status = 'generated', image_path = $2, image_url = $3, model_used = $4, quality_tier = $5,
            width = $6, height = $7, error_message = NULL, updated_at = now()
      WHERE id = $1 AND status = ANY($8::text[])`,
    [
      imageId,
      image.image_path,
      image.image_url,
      image.model_used,
      image.quality_tier,
      image.width,
      image.height,
      IMAGE_STATUS.sources('generated'),
    ],
  );
}

/** Generating the image failed. */
export async function failImage(manager: EntityManager, imageId: number, error: string): Promise<void> {
  await manager.query(
    `UPDATE igny8_images SET status = 'failed', error_message = $2, updated_at = now()
      WHERE id = $1 AND status = ANY($3::text[])`,
    [imageId, error, IMAGE_STATUS.sources('failed')],
  );
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
  await manager.query(
    `UPDATE igny8_content c SET status = $2, updated_at = now()
      WHERE c.id = $1 AND c.status = 'draft' AND c.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM igny8_images i
                         WHERE i.content_id = c.id AND i.deleted_at IS NULL AND i.status = 'pending')`,
    [contentId, autoApprove ? 'approved' : 'review'],
  );
}
