import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ScopedRepositories, type ScopedRepository } from '../../common/tenancy/scoped-repository.js';
import {
  type ActionInput,
  type ActionPlan,
  type AiFunction,
  ParseError,
  parseJsonObject,
  type ProviderAnswer,
  type ProviderCall,
  type ResultPatch,
  type TaskRefusal,
  type TaskRun,
  type WorkItem,
} from '../ai/engine/ai-function.js';
import { AiFunctionRegistry } from '../ai/engine/ai-function.registry.js';
import { AiFunctionKit, text } from '../ai/engine/kit.js';
import type { AnchorStrategy, LinkTarget } from '../ai/providers/ai-provider.js';
import { ModuleSettingsService } from '../module-settings/module-settings.service.js';
import { Content } from '../writer/entities/content.entity.js';
import { saveInternalLinks } from '../writer/writer-writes.js';
import { insertLinks, type LinkSuggestion } from './link-insertion.js';

/** The options the linker routes store in the task's payload. */
export interface LinkOptions {
  max_links: number;
  anchor_strategy: AnchorStrategy;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = { max_links: 5, anchor_strategy: 'exact_match' };

/** Content other items may link to (docs/linker.md). */
const TARGET_STATUSES = ['approved', 'published'];

/** Most targets one prompt names: same-cluster ones first, then those whose keyword the text mentions. */
const MAX_TARGETS = 50;

const STRATEGY_RULES: Record<AnchorStrategy, string> = {
  exact_match: "the anchor text is the page's primary keyword exactly as it appears in the article",
  partial_match: "the anchor text is a short phrase of the article that contains the page's primary keyword",
  semantic: "the anchor text is any short phrase of the article with the same meaning as the page's topic",
};

interface ContentItem extends WorkItem {
  content: Content;
  targets: LinkTarget[];
}

function options(run: TaskRun): LinkOptions {
  return { ...DEFAULT_LINK_OPTIONS, ...(run.payload.options as Partial<LinkOptions> | undefined) };
}

/**
 * `link_content` (docs/linker.md): for each content item, one provider call suggests internal links to the
 * site's other approved or published content; the linker inserts the best of them into the body and records
 * them in `internal_links`.
 */
@Injectable()
export class LinkContentFunction implements AiFunction<ContentItem, LinkSuggestion[]>, OnModuleInit {
  readonly name = 'link_content';
  readonly operation = 'linking';
  readonly modelType = 'text';
  private readonly content: ScopedRepository<Content>;

  constructor(
    repos: ScopedRepositories,
    private readonly kit: AiFunctionKit,
    private readonly registry: AiFunctionRegistry,
    private readonly modules: ModuleSettingsService,
  ) {
    this.content = repos.for(Content, 'c');
  }

  onModuleInit(): void {
    this.registry.register(this);
  }

  emptyResult = (): ResultPatch => ({ results: [], errors: [] });

  validate({ ids, field }: ActionInput): Promise<ActionPlan> {
    return this.kit.plan(this.content, ids, undefined, field);
  }

  /** The linker may have been switched off since the request: the task then ends `module_disabled`. */
  refusal(run: TaskRun): Promise<TaskRefusal | null> {
    return this.modules.refusal(run.accountId, 'linker');
  }

  async load(run: TaskRun): Promise<ContentItem[]> {
    const [contents, candidates] = await Promise.all([
      this.kit.taskRows(this.content, run),
      this.content
        .query()
        .andWhere('c.site_id = :site AND c.status IN (:...statuses)', {
          site: run.siteId,
          statuses: TARGET_STATUSES,
        })
        .orderBy('c.id')
        .getMany(),
    ]);
    return contents.map((content) => {
      const targets = this.targetsFor(content, candidates);
      const empty = content.content_html.trim() === '';
      return {
        type: 'content',
        id: Number(content.id),
        units: 1,
        ineligible: empty
          ? 'This content has no HTML body to add links to.'
          : targets.length === 0
            ? 'The site has no other approved or published content with a primary keyword to link to.'
            : null,
        content,
        targets,
      };
    });
  }

  /** The pages `content` may link to: others with a keyword, same cluster first, then mentioned keywords. */
  private targetsFor(content: Content, candidates: Content[]): LinkTarget[] {
    const body = content.content_html.toLowerCase();
    const rank = (target: Content) =>
      (content.cluster_id !== null && target.cluster_id === content.cluster_id ? 2 : 0) +
      (body.includes(target.primary_keyword.toLowerCase()) ? 1 : 0);
    return candidates
      .filter((target) => Number(target.id) !== Number(content.id) && target.primary_keyword.trim() !== '')
      .sort((a, b) => rank(b) - rank(a) || Number(a.id) - Number(b.id))
      .slice(0, MAX_TARGETS)
      .map((target) => ({
        id: Number(target.id),
        title: target.title,
        primary_keyword: target.primary_keyword,
        secondary_keywords: target.secondary_keywords,
        same_cluster: content.cluster_id !== null && Number(target.cluster_id) === Number(content.cluster_id),
        url: target.external_url,
      }));
  }

  alreadySaved(manager: EntityManager, item: ContentItem, run: TaskRun): Promise<boolean> {
    return this.kit.usageLogged(manager, item, run);
  }

  buildCall(item: ContentItem, run: TaskRun): Promise<ProviderCall> {
    const { max_links, anchor_strategy } = options(run);
    const lines = item.targets.map(
      (target) =>
        `- id ${target.id}: "${target.title}" (primary keyword: ${target.primary_keyword}${
          target.secondary_keywords.length ? `; also: ${target.secondary_keywords.join(', ')}` : ''
        }${target.same_cluster ? '; same topic cluster' : ''})`,
    );
    return this.kit.textCall(
      'link_content',
      { content_html: item.content.content_html, targets: item.targets, anchor_strategy, max_links },
      'linking',
      {
        LINK_TARGETS: [
          ...lines,
          `Anchor strategy: ${STRATEGY_RULES[anchor_strategy]}. Suggest at most one link per page and at most ${max_links * 2} links; never inside headings or existing links. position is the character offset of the anchor in the article's text.`,
        ].join('\n'),
        CONTENT: item.content.content_html,
      },
      run,
      { sectorId: Number(item.content.sector_id) },
    );
  }

  async parse(answer: ProviderAnswer, item: ContentItem, run: TaskRun): Promise<LinkSuggestion[]> {
    const json = parseJsonObject(answer.text);
    if (!Array.isArray(json.links)) throw new ParseError('The answer has no "links" list.');
    const targets = new Map(item.targets.map((target) => [target.id, target]));
    const strategy = options(run).anchor_strategy;
    const suggestions: LinkSuggestion[] = [];
    for (const entry of json.links as unknown[]) {
      if (!entry || typeof entry !== 'object') continue;
      const link = entry as Record<string, unknown>;
      const target = targets.get(Number(link.target_content_id));
      const anchor = text(link.anchor_text, 200).replace(/\s+/gu, ' ');
      if (!target || anchor === '') continue;
      // An exact-match anchor is the keyword itself (any case); other strategies take the model's phrase.
      if (strategy === 'exact_match' && anchor.toLowerCase() !== target.primary_keyword.trim().toLowerCase())
        continue;
      const confidence = typeof link.confidence === 'number' ? link.confidence : 0.5;
      const position =
        typeof link.position === 'number' && Number.isFinite(link.position) ? link.position : 0;
      suggestions.push({
        anchor_text: anchor,
        target_content_id: target.id,
        position: Math.max(0, Math.round(position)),
        confidence: Math.min(1, Math.max(0, Math.round(confidence * 100) / 100)),
      });
    }
    return suggestions;
  }

  async save(
    manager: EntityManager,
    item: ContentItem,
    suggestions: LinkSuggestion[],
    run: TaskRun,
  ): Promise<ResultPatch> {
    const urls = new Map(item.targets.map((target) => [target.id, target.url]));
    const { html, inserted, opportunities } = insertLinks(
      item.content.content_html,
      suggestions,
      urls,
      options(run).max_links,
    );
    if (inserted.length > 0) await saveInternalLinks(manager, item.id, html, inserted);
    return {
      results: [{ content_id: item.id, links_added: inserted.length, link_opportunities: opportunities }],
    };
  }
}
