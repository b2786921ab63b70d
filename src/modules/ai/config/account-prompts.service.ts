import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../../../common/http/error-codes.js';
import { defineList, filter, type RawQuery } from '../../../common/list/index.js';
import { queryValue } from '../../../common/list/list-query.js';
import { ResourceDeps, ScopedResource } from '../../../common/tenancy/scoped-resource.js';
import { REQUIRED } from '../../../common/http/field-rule.js';
import { AiPrompt, PROMPT_TYPES, type PromptType } from '../entities/ai-prompt.entity.js';
import type { SavePromptDto, UpdatePromptDto } from './dto/prompt.dto.js';
import { type AiPromptView, presentPrompt } from './presenters.js';
import { PromptService } from './prompt.service.js';

export const PROMPTS_LIST = defineList({
  filters: { prompt_type: filter.enum('p.prompt_type', PROMPT_TYPES) },
  ordering: {
    fields: { prompt_type: 'p.prompt_type', created_at: 'p.created_at', updated_at: 'p.updated_at' },
    default: '-created_at',
  },
});

/** `system/prompts/by_type/` and `reset_prompt/`: the prompt in effect for a type on the account. */
export interface PromptByTypeView {
  prompt_type: PromptType;
  prompt_value: string;
  default_prompt: string;
  is_custom: boolean;
  is_active: boolean;
}

const UNIQUE_VIOLATION = '23505';

function isPromptType(value: string): value is PromptType {
  return (PROMPT_TYPES as readonly string[]).includes(value);
}

/**
 * `system/prompts/`: the account's AIPrompt rows (docs/domain-model.md#ai-configuration). Reads go through
 * the tenant scope (cross-account callers see every account, narrowed by `account_id`); `by_type`,
 * `save_prompt` and `reset_prompt` act on the caller's own account.
 */
@Injectable()
export class AccountPromptsService extends ScopedResource<AiPrompt, AiPromptView> {
  constructor(
    deps: ResourceDeps,
    private readonly prompts: PromptService,
  ) {
    super(deps, {
      entity: AiPrompt,
      table: 'igny8_ai_prompts',
      alias: 'p',
      shape: { account: 'p.account_id' },
      list: PROMPTS_LIST,
      present: (rows) => rows.map(presentPrompt),
    });
  }

  /** `?prompt_type=` of `by_type`: required, one of the prompt types. */
  parseType(raw: RawQuery): PromptType {
    const value = queryValue(raw, 'prompt_type');
    if (value === undefined || value === '') throw ApiError.field('prompt_type', REQUIRED);
    if (!isPromptType(value)) throw ApiError.field('prompt_type', `"${value}" is not a valid choice.`);
    return value;
  }

  /** The account's own prompt of the type (active or not), else the global one. */
  async byType(type: PromptType): Promise<PromptByTypeView> {
    const own = await this.own(this.deps.dataSource.manager, type);
    if (own) {
      const { prompt_value, default_prompt, is_active } = own;
      return { prompt_type: type, prompt_value, default_prompt, is_custom: true, is_active };
    }
    return this.globalView(type);
  }

  /** Creates or updates the account's prompt of the type; a new row copies the global text. */
  async savePrompt(body: SavePromptDto): Promise<AiPromptView> {
    const accountId = this.deps.context.requirePrincipal().accountId;
    const write = () =>
      this.transaction(async (manager) => {
        const row =
          (await this.own(manager, body.prompt_type)) ??
          manager.create(AiPrompt, {
            account_id: accountId,
            prompt_type: body.prompt_type,
            default_prompt: (await this.prompts.globalPrompt(body.prompt_type, manager)).prompt_value,
            is_active: true,
          });
        row.prompt_value = body.prompt_value;
        return manager.save(AiPrompt, row);
      });
    try {
      return presentPrompt(await write());
    } catch (error) {
      // Another request created the row between our read and insert: this write updates it.
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      return presentPrompt(await write());
    }
  }

  /** Removes the account's prompt of the type; the global prompt applies again. */
  async resetPrompt(type: PromptType): Promise<PromptByTypeView> {
    const accountId = this.deps.context.requirePrincipal().accountId;
    await this.deps.dataSource.manager.delete(AiPrompt, { account_id: accountId, prompt_type: type });
    return this.globalView(type);
  }

  async update(id: number, body: UpdatePromptDto): Promise<AiPromptView> {
    const row = await this.find(id);
    if (body.prompt_value !== undefined) row.prompt_value = body.prompt_value;
    if (body.is_active !== undefined) row.is_active = body.is_active;
    return presentPrompt(await this.save(this.deps.dataSource.manager, row));
  }

  /** AIPrompt rows are not soft-deletable: deleting one removes it (the global prompt applies again). */
  override async remove(id: number): Promise<void> {
    const row = await this.find(id);
    await this.deps.dataSource.manager.delete(AiPrompt, { id: row.id });
  }

  private own(manager: EntityManager, type: PromptType): Promise<AiPrompt | null> {
    const accountId = this.deps.context.requirePrincipal().accountId;
    return manager.findOneBy(AiPrompt, { account_id: accountId, prompt_type: type });
  }

  private async globalView(type: PromptType): Promise<PromptByTypeView> {
    const global = await this.prompts.globalPrompt(type);
    return {
      prompt_type: type,
      prompt_value: global.prompt_value,
      default_prompt: global.prompt_value,
      is_custom: false,
      is_active: global.is_active,
    };
  }
}
