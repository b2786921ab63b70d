import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { AiPrompt, GlobalAiPrompt, type PromptType } from '../entities/ai-prompt.entity.js';
import { Strategy } from '../entities/strategy.entity.js';

/** What an AI call is tied to, for prompt resolution. */
export interface PromptScope {
  accountId: number;
  siteId: number | null;
  sectorId: number | null;
  /** The writer task's `prompt_override` (content generation). */
  taskOverride?: string | null;
}

/** `[IGNY8_NAME]`: upper-case letters, digits and underscores after the `IGNY8_` prefix. */
const PLACEHOLDER = /\[IGNY8_([A-Z0-9_]+)\]/g;

/** `KEYWORDS`, `IGNY8_KEYWORDS` and `[IGNY8_KEYWORDS]` all name the placeholder `[IGNY8_KEYWORDS]`. */
function placeholderName(key: string): string {
  return key.replace(/^\[(.*)\]$/, '$1').replace(/^IGNY8_/, '');
}

/**
 * Replaces every `[IGNY8_NAME]` placeholder of `template` that `variables` has a value for.
 * Keys may be written `NAME`, `IGNY8_NAME` or `[IGNY8_NAME]`. Placeholders without a value are left
 * as they are, so a missing variable stays visible in the prompt (and in task logs) instead of
 * silently vanishing. One pass: placeholders inside substituted values are not expanded again, and
 * `$` in a value is literal.
 */
export function renderPrompt(template: string, variables: Readonly<Record<string, string>>): string {
  const values = new Map(Object.entries(variables).map(([key, value]) => [placeholderName(key), value]));
  return template.replace(PLACEHOLDER, (placeholder, name: string) => values.get(name) ?? placeholder);
}

function hasText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * Which prompt text an AI call uses (docs/domain-model.md#ai-configuration): the task's override → the
 * `prompt_overrides[type]` of the most specific active strategy (sector, then site, then
 * account-wide) → the account's active AIPrompt → the GlobalAIPrompt. Blank texts count as absent.
 * Only the most specific active strategy applies: when it has no override for the type, resolution
 * continues with the account prompt, not with a less specific strategy.
 */
@Injectable()
export class PromptService {
  constructor(private readonly dataSource: DataSource) {}

  async resolve(
    type: PromptType,
    scope: PromptScope,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string> {
    if (hasText(scope.taskOverride)) return scope.taskOverride;
    const strategy = await this.applicableStrategy(scope, manager);
    const fromStrategy = strategy?.prompt_overrides[type];
    if (hasText(fromStrategy)) return fromStrategy;
    const own = await manager.findOneBy(AiPrompt, {
      account_id: scope.accountId,
      prompt_type: type,
      is_active: true,
    });
    if (own && hasText(own.prompt_value)) return own.prompt_value;
    return (await this.globalPrompt(type, manager)).prompt_value;
  }

  render(template: string, variables: Readonly<Record<string, string>>): string {
    return renderPrompt(template, variables);
  }

  /** The GlobalAIPrompt of a type (every type has one, seeded). */
  async globalPrompt(
    type: PromptType,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<GlobalAiPrompt> {
    const prompt = await manager.findOneBy(GlobalAiPrompt, { prompt_type: type });
    if (!prompt) throw new Error(`The GlobalAIPrompt of type "${type}" is missing; run the migrations.`);
    return prompt;
  }

  /** The most specific active strategy of the account for the call's sector / site, if any. */
  async applicableStrategy(
    scope: Pick<PromptScope, 'accountId' | 'siteId' | 'sectorId'>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Strategy | null> {
    const active = { account_id: scope.accountId, is_active: true };
    const candidates = await manager.find(Strategy, {
      where: [
        { ...active, site_id: IsNull(), sector_id: IsNull() },
        ...(scope.siteId !== null ? [{ ...active, site_id: scope.siteId, sector_id: IsNull() }] : []),
        ...(scope.sectorId !== null ? [{ ...active, sector_id: scope.sectorId }] : []),
      ],
      order: { id: 'ASC' },
    });
    return candidates.reduce<Strategy | null>(
      (best, strategy) => (best === null || specificity(strategy) < specificity(best) ? strategy : best),
      null,
    );
  }
}

/** 0 for a sector strategy, 1 for a site one, 2 for the account-wide one (the lowest applies). */
function specificity(strategy: Strategy): number {
  return strategy.sector_id !== null ? 0 : strategy.site_id !== null ? 1 : 2;
}
