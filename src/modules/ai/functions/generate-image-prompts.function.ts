import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ScopedRepositories, type ScopedRepository } from '../../../common/tenancy/scoped-repository.js';
import { SoftDeleteService } from '../../../common/tenancy/soft-delete.service.js';
import { htmlText } from '../../writer/content-text.js';
import { Content } from '../../writer/entities/content.entity.js';
import { replaceImagePrompts } from '../../writer/writer-writes.js';
import {
  type ActionInput,
  type ActionPlan,
  type AiFunction,
  ParseError,
  parseJsonObject,
  type ProviderAnswer,
  type ProviderCall,
  type ResultPatch,
  type TaskRun,
  type WorkItem,
} from '../engine/ai-function.js';
import { AiFunctionKit, text } from '../engine/kit.js';
import type { TextOutputs } from '../providers/ai-provider.js';

interface ContentItem extends WorkItem {
  content: Content;
  headings: string[];
}

type ParsedPrompts = TextOutputs['generate_image_prompts'];
type ImagePrompt = ParsedPrompts['featured'];

/** The text of every `<h2>` of the HTML, in document order. */
export function h2Headings(html: string): string[] {
  return [...html.matchAll(/<h2\b[^>]*>([\s\S]*?)<\/h2\s*>/gi)]
    .map((match) => htmlText(match[1]).replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

function imagePrompt(value: unknown): ImagePrompt | null {
  if (!value || typeof value !== 'object') return null;
  const entry = value as Record<string, unknown>;
  const prompt = text(entry.prompt);
  return prompt === '' ? null : { prompt, alt_text: text(entry.alt_text, 255) };
}

/**
 * `generate_image_prompts` (docs/domain-model.md#ai-engine): for each content without a generated image, its
 * pending and failed images are replaced by one featured and `max_images` in-article images.
 */
@Injectable()
export class GenerateImagePromptsFunction implements AiFunction<ContentItem, ParsedPrompts> {
  readonly name = 'generate_image_prompts';
  readonly operation = 'image_prompt_extraction';
  readonly modelType = 'text';
  private readonly content: ScopedRepository<Content>;

  constructor(
    repos: ScopedRepositories,
    private readonly kit: AiFunctionKit,
    private readonly softDeletes: SoftDeleteService,
  ) {
    this.content = repos.for(Content, 'c');
  }

  emptyResult = (): ResultPatch => ({ content_processed: 0, images_created: 0, image_ids: [], errors: [] });

  validate({ ids }: ActionInput): Promise<ActionPlan> {
    return this.kit.plan(this.content, ids);
  }

  async load(run: TaskRun): Promise<ContentItem[]> {
    const rows = await this.kit.taskRows(this.content, run);
    const generated = await this.content
      .query()
      .innerJoin(
        'igny8_images',
        'i',
        "i.content_id = c.id AND i.deleted_at IS NULL AND i.status = 'generated'",
      )
      .select('DISTINCT c.id', 'id')
      .andWhere('c.id IN (:...ids)', { ids: run.payload.ids })
      .getRawMany<{ id: number }>();
    const withImages = new Set(generated.map((row) => Number(row.id)));
    return rows.map((content) => ({
      type: 'content',
      id: Number(content.id),
      units: 1,
      ineligible: withImages.has(Number(content.id)) ? 'This content already has generated images.' : null,
      content,
      headings: h2Headings(content.content_html),
    }));
  }

  alreadySaved(manager: EntityManager, item: ContentItem, run: TaskRun): Promise<boolean> {
    return this.kit.usageLogged(manager, item, run);
  }

  buildCall(item: ContentItem, run: TaskRun): Promise<ProviderCall> {
    const { max_images: count, image_style: style } = run.settings;
    return this.kit.textCall(
      'generate_image_prompts',
      { title: item.content.title, headings: item.headings, max_images: count, style },
      'image_prompt_extraction',
      {
        TITLE: item.content.title,
        IMAGE_COUNT: String(count),
        HEADINGS: item.headings.map((h) => `- ${h}`).join('\n'),
        STYLE: style,
      },
      run,
      { sectorId: Number(item.content.sector_id) },
    );
  }

  /** The answer's prompts, each wrapped in the `image_prompt_template` with the effective style. */
  async parse(answer: ProviderAnswer, item: ContentItem, run: TaskRun): Promise<ParsedPrompts> {
    const json = parseJsonObject(answer.text);
    const featured = imagePrompt(json.featured);
    if (!featured) throw new ParseError('The answer has no "featured" image prompt.');
    const inArticle = (Array.isArray(json.in_article) ? json.in_article : [])
      .map(imagePrompt)
      .filter((prompt): prompt is ImagePrompt => prompt !== null)
      .slice(0, run.settings.max_images);
    const template = await this.kit.prompt('image_prompt_template', run, Number(item.content.sector_id));
    const wrap = ({ prompt, alt_text }: ImagePrompt): ImagePrompt => ({
      prompt: template({ IMAGE_DESCRIPTION: prompt, STYLE: run.settings.image_style }),
      alt_text,
    });
    return { featured: wrap(featured), in_article: inArticle.map(wrap) };
  }

  async save(
    manager: EntityManager,
    item: ContentItem,
    parsed: ParsedPrompts,
    run: TaskRun,
  ): Promise<ResultPatch> {
    const prompts = [
      { image_type: 'featured' as const, position: 0, prompt: parsed.featured },
      ...parsed.in_article.map((prompt, index) => ({
        image_type: 'in_article' as const,
        position: index,
        prompt,
      })),
    ];
    const ids = await replaceImagePrompts(
      manager,
      run.siteId,
      item.content,
      prompts.map((row) => ({
        image_type: row.image_type,
        position: row.position,
        prompt: row.prompt.prompt,
        alt_text: row.prompt.alt_text,
      })),
      run.log.user_id,
      this.softDeletes,
    );
    return { content_processed: 1, images_created: ids.length, image_ids: ids };
  }
}
