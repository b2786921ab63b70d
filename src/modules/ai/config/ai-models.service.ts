import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, Not } from 'typeorm';
import { TenantContext } from '../../../common/context/tenant-context.service.js';
import { ApiError, type FieldErrors } from '../../../common/http/error-codes.js';
import { defineList, filter, parseListQuery, type RawQuery } from '../../../common/list/index.js';
import {
  AiModel,
  MODEL_PROVIDERS,
  MODEL_QUALITY_TIERS,
  MODEL_TYPES,
  type ModelProvider,
  type ModelQualityTier,
  type ModelType,
} from '../entities/ai-model.entity.js';
import { atScale } from './decimal.js';
import type { CreateAiModelDto, UpdateAiModelDto } from './dto/ai-model.dto.js';
import { type ModelFilters, ModelRegistry } from './model-registry.service.js';
import { type AiModelView, presentModel } from './presenters.js';

/**
 * The filters of `system/ai-models/`, validated like every list filter
 * (docs/api-conventions.md#filters-search-and-ordering). The array is always in `sort_order` (the registry's
 * order); `ordering` is only what a list declaration needs.
 */
export const AI_MODELS_LIST = defineList({
  filters: {
    model_type: filter.enum('m.model_type', MODEL_TYPES),
    provider: filter.enum('m.provider', MODEL_PROVIDERS),
    quality_tier: filter.enum('m.quality_tier', MODEL_QUALITY_TIERS),
    is_active: filter.boolean('m.is_active'),
  },
  ordering: { fields: { sort_order: 'm.sort_order' }, default: 'sort_order' },
});

const UNIQUES: Record<string, { field: string; message: string }> = {
  igny8_ai_models_model_name_uniq: {
    field: 'model_name',
    message: 'An AI model with this model name already exists.',
  },
  igny8_ai_models_default_text_uniq: {
    field: 'is_default',
    message: 'Another default model was set at the same time; try again.',
  },
  igny8_ai_models_default_image_tier_uniq: {
    field: 'is_default',
    message: 'Another default model was set at the same time; try again.',
  },
};

const DECIMAL_SCALES = { input_cost_per_1m: 6, output_cost_per_1m: 6, cost_per_image: 4 } as const;

type ModelBody = CreateAiModelDto | UpdateAiModelDto;

/** What the rules need to know about the row before the change. */
interface Before {
  wasDefaultText: boolean;
}

/**
 * `system/ai-models/`: everyone reads the active models, developers every model and
 * write them. Writes keep the model invariants: one default text model, at most one
 * default image model per tier (setting `is_default` moves the flag in the same transaction), and
 * image models priced in credits when active.
 */
@Injectable()
export class AiModelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly registry: ModelRegistry,
  ) {}

  /** The models matching the filters; non-developers see active models only. */
  async list(raw: RawQuery): Promise<AiModelView[]> {
    const query = parseListQuery(AI_MODELS_LIST, raw, { pagination: false });
    const value = <T>(key: string) => query.filters.get(key)?.value as T | undefined;
    const filters: ModelFilters = {
      model_type: value<ModelType>('model_type'),
      provider: value<ModelProvider>('provider'),
      quality_tier: value<ModelQualityTier>('quality_tier'),
      is_active: value<boolean>('is_active'),
    };
    if (!this.isDeveloper()) {
      if (filters.is_active === false) return [];
      filters.is_active = true;
    }
    return (await this.registry.listModels(filters)).map(presentModel);
  }

  async get(id: number): Promise<AiModelView> {
    return presentModel(await this.visible(id));
  }

  async create(body: CreateAiModelDto): Promise<AiModelView> {
    const model = this.dataSource.manager.create(AiModel, {
      input_cost_per_1m: null,
      output_cost_per_1m: null,
      context_window: null,
      max_output_tokens: null,
      cost_per_image: null,
      valid_sizes: [],
      landscape_size: null,
      square_size: null,
      quality_tier: null,
      supports_json_mode: false,
      supports_vision: false,
      supports_function_calling: false,
      tokens_per_credit: null,
      credits_per_image: null,
      is_active: true,
      is_default: false,
      sort_order: 0,
    });
    return this.persist(model, body, { wasDefaultText: false });
  }

  async update(id: number, body: UpdateAiModelDto): Promise<AiModelView> {
    const model = await this.registry.getModel(id);
    if (!model) throw ApiError.notFound();
    return this.persist(model, body, { wasDefaultText: model.is_default && model.model_type === 'text' });
  }

  private async persist(model: AiModel, body: ModelBody, before: Before): Promise<AiModelView> {
    applyBody(model, body);
    assertValid(model, before);
    model.updated_by = this.context.requirePrincipal().userId;
    const saved = await this.dataSource.transaction(async (manager) => {
      if (model.is_default) await releaseDefault(manager, model);
      try {
        return await manager.save(AiModel, model);
      } catch (error) {
        throw uniqueClash(error) ?? error;
      }
    });
    return this.get(saved.id);
  }

  /** Developers see every model; everyone else only active ones (inactive → 404). */
  private async visible(id: number): Promise<AiModel> {
    const model = await this.registry.getModel(id);
    if (!model || (!model.is_active && !this.isDeveloper())) throw ApiError.notFound();
    return model;
  }

  private isDeveloper(): boolean {
    return this.context.requirePrincipal().role === 'developer';
  }
}

/** Copies the given fields onto the row; decimals (number or text) are stored at their column's scale. */
function applyBody(model: AiModel, body: ModelBody): void {
  for (const [key, value] of Object.entries(body) as [string, unknown][]) {
    if (value === undefined) continue;
    const scale = DECIMAL_SCALES[key as keyof typeof DECIMAL_SCALES];
    const decimal = typeof value === 'number' || typeof value === 'string';
    const stored = scale !== undefined && decimal ? atScale(String(value), scale) : value;
    (model as unknown as Record<string, unknown>)[key] = stored;
  }
}

/** The rules on the row as it will be saved (docs/domain-model.md#ai-configuration). */
function assertValid(model: AiModel, before: Before): void {
  const errors: FieldErrors = {};
  const fail = (field: string, message: string) => (errors[field] ??= []).push(message);
  if (model.model_type === 'image' && model.quality_tier === null) {
    fail('quality_tier', 'An image model needs a quality tier.');
  }
  if (model.model_type === 'text' && model.quality_tier !== null) {
    fail('quality_tier', 'Only image models have a quality tier.');
  }
  if (model.model_type === 'image' && model.is_active && model.credits_per_image === null) {
    fail('credits_per_image', 'An active image model needs credits per image.');
  }
  if (model.is_default && !model.is_active) fail('is_active', 'A default model must be active.');
  if (before.wasDefaultText && !(model.is_default && model.model_type === 'text')) {
    fail('is_default', 'There must be a default text model: make another text model the default instead.');
  }
  for (const field of ['landscape_size', 'square_size'] as const) {
    const size = model[field];
    if (size !== null && model.valid_sizes.length > 0 && !model.valid_sizes.includes(size)) {
      fail(field, `"${size}" is not one of valid_sizes.`);
    }
  }
  if (Object.keys(errors).length > 0) throw ApiError.validation(errors);
}

/** Clears the flag of the model that is the default of `model`'s group (text, or its image tier). */
async function releaseDefault(manager: EntityManager, model: AiModel): Promise<void> {
  const group =
    model.model_type === 'text'
      ? { model_type: 'text' as const }
      : { model_type: 'image' as const, quality_tier: model.quality_tier ?? undefined };
  const others = model.id === undefined ? {} : { id: Not(model.id) };
  await manager.update(AiModel, { ...group, ...others, is_default: true }, { is_default: false });
}

function uniqueClash(error: unknown): ApiError | null {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code !== '23505') return null;
  const known = constraint ? UNIQUES[constraint] : undefined;
  return ApiError.field(known?.field ?? 'non_field_errors', known?.message ?? 'This value already exists.');
}
