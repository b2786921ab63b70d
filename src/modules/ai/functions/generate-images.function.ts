import { Injectable } from '@nestjs/common';
import type { OutputInfo } from 'sharp';
import type { EntityManager } from 'typeorm';
import { MediaStorage } from '../../../common/media/media-storage.js';
import { loadSharp } from '../../../common/media/sharp.js';
import { MediaService } from '../../../common/media/media.service.js';
import { ScopedRepositories, type ScopedRepository } from '../../../common/tenancy/scoped-repository.js';
import { tenantSql } from '../../../common/tenancy/tenant-sql.js';
import { PublishingSettingsService } from '../../publishing-settings/publishing-settings.service.js';
import { Image } from '../../writer/entities/image.entity.js';
import { failImage, reviewContentWhenImagesDone, saveGeneratedImage } from '../../writer/writer-writes.js';
import {
  type ActionInput,
  type ActionPlan,
  type AiFunction,
  type ItemError,
  ParseError,
  type ProviderAnswer,
  type ProviderCall,
  type ResultPatch,
  type TaskRun,
  type WorkItem,
} from '../engine/ai-function.js';
import { AiFunctionKit } from '../engine/kit.js';

interface ImageItem extends WorkItem {
  image: Image;
}

interface StoredImage {
  path: string;
  width: number;
  height: number;
}

const ELIGIBLE = new Set(['pending', 'failed']);

/**
 * `generate_images` (docs/domain-model.md#ai-engine): one provider call per image; the file is stored as WebP
 * under an unguessable name and served at `/media/…`. When a content's images are all generated
 * or failed, a `draft` content moves to `review` (to `approved` when the site auto-approves).
 */
@Injectable()
export class GenerateImagesFunction implements AiFunction<ImageItem, StoredImage> {
  readonly name = 'generate_images';
  readonly operation = 'image_generation';
  readonly modelType = 'image';
  private readonly images: ScopedRepository<Image>;

  constructor(
    repos: ScopedRepositories,
    private readonly kit: AiFunctionKit,
    private readonly storage: MediaStorage,
    private readonly media: MediaService,
    private readonly publishing: PublishingSettingsService,
  ) {
    this.images = repos.for(Image, 'i');
  }

  emptyResult = (): ResultPatch => ({
    count: 0,
    images_generated: 0,
    images_failed: 0,
    total_images: 0,
    errors: [],
  });

  initialResult(items: ImageItem[], run: TaskRun): ResultPatch {
    return { count: run.payload.ids.length, total_images: items.filter((item) => !item.ineligible).length };
  }

  validate({ ids }: ActionInput): Promise<ActionPlan> {
    return this.kit.plan(this.images, ids);
  }

  async load(run: TaskRun): Promise<ImageItem[]> {
    const rows = await this.kit.taskRows(this.images, run);
    return rows.map((image) => ({
      type: 'image',
      id: Number(image.id),
      units: 1,
      ineligible: !ELIGIBLE.has(image.status)
        ? `The image is ${image.status}; only pending or failed images are generated.`
        : image.prompt.trim() === ''
          ? 'The image has no prompt.'
          : null,
      image,
    }));
  }

  async alreadySaved(manager: EntityManager, item: ImageItem): Promise<boolean> {
    const sql = tenantSql(manager);
    const i = sql.table(Image, 'i');
    const rows = await sql.query<unknown[]>`
      SELECT 1 FROM ${i} WHERE ${i.scope} AND i.id = ${item.id} AND i.status = 'generated' LIMIT 1`;
    return rows.length > 0;
  }

  async buildCall(item: ImageItem, run: TaskRun): Promise<ProviderCall> {
    const { model } = run;
    const size =
      (item.image.image_type === 'featured' ? model.landscape_size : model.square_size) ?? '1024x1024';
    const negativePrompt = (await this.kit.prompt('negative_prompt', run, Number(item.image.sector_id)))({});
    return {
      kind: 'image',
      request: {
        prompt: item.image.prompt,
        negativePrompt,
        model: model.model_name,
        size,
        style: run.settings.image_style,
      },
    };
  }

  async parse(answer: ProviderAnswer): Promise<StoredImage> {
    const sharp = await loadSharp();
    let webp: { data: Buffer; info: OutputInfo };
    try {
      webp = await sharp(answer.data ?? Buffer.alloc(0))
        .webp({ quality: 85 })
        .toBuffer({ resolveWithObject: true });
    } catch {
      throw new ParseError('The model did not return a readable image.');
    }
    const path = await this.storage.save('images', webp.data, 'webp');
    return { path, width: webp.info.width, height: webp.info.height };
  }

  async discard(stored: StoredImage | undefined): Promise<void> {
    if (stored) await this.storage.remove(stored.path);
  }

  async save(
    manager: EntityManager,
    item: ImageItem,
    stored: StoredImage,
    run: TaskRun,
  ): Promise<ResultPatch> {
    const tier = run.model.quality_tier === 'quality_option2' ? 'quality' : run.model.quality_tier;
    await saveGeneratedImage(manager, item.id, {
      image_path: stored.path,
      image_url: this.media.url(stored.path, run.payload.origin),
      model_used: run.model.model_name,
      quality_tier: tier,
      width: stored.width,
      height: stored.height,
    });
    await this.reviewWhenDone(manager, item, run);
    return { images_generated: 1 };
  }

  async markFailed(
    manager: EntityManager,
    item: ImageItem,
    error: ItemError,
    run: TaskRun,
  ): Promise<ResultPatch> {
    await failImage(manager, item.id, error.error);
    await this.reviewWhenDone(manager, item, run);
    return { images_failed: 1 };
  }

  /**
   * A draft content whose live images are all generated or failed moves to review, or straight on
   * to approved when the site's publishing settings auto-approve (docs/domain-model.md#state-machines).
   */
  private async reviewWhenDone(manager: EntityManager, item: ImageItem, run: TaskRun): Promise<void> {
    if (item.image.content_id === null) return;
    const autoApprove = await this.publishing.autoApprovalEnabled(run.siteId, manager);
    await reviewContentWhenImagesDone(manager, item.image.content_id, autoApprove);
  }
}
