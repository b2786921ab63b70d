import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { globalQuery } from '../../../common/tenancy/tenant-sql.js';
import {
  AiModel,
  type ModelProvider,
  type ModelQualityTier,
  type ModelType,
} from '../entities/ai-model.entity.js';
import { divideRounded, formatScaled, toScaled } from './decimal.js';

export interface ModelFilters {
  model_type?: ModelType;
  provider?: ModelProvider;
  quality_tier?: ModelQualityTier;
  is_active?: boolean;
}

/** No model can serve a request: the configuration (AIModelConfig rows) is incomplete. */
export class MissingModelError extends Error {
  constructor(what: string) {
    super(`No active ${what} is configured.`);
    this.name = 'MissingModelError';
  }
}

const COST_SCALE = 6;
const IMAGE_PRICE_SCALE = 4;
const TOKENS_PER_PRICE_UNIT = 1_000_000n;

/**
 * The tier whose default is used when the effective tier has no active image model
 * (docs/domain-model.md#ai-configuration).
 */
const FALLBACK_IMAGE_TIER = 'quality';

/**
 * Image models selectable for `tier`: `quality_option2` is selected like `quality`
 * (docs/domain-model.md#ai-configuration).
 */
function tiersSelectedAs(tier: ModelQualityTier): ModelQualityTier[] {
  return tier === 'quality' ? ['quality', 'quality_option2'] : [tier];
}

function tokenCount(value: number, name: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0`);
  return BigInt(value);
}

/**
 * Reads AIModelConfig (docs/domain-model.md#ai-configuration) for the AI engine and the endpoints. Nothing is
 * cached: a developer's change to a row applies to the next call.
 */
@Injectable()
export class ModelRegistry {
  constructor(private readonly dataSource: DataSource) {}

  getModel(id: number, manager: EntityManager = this.dataSource.manager): Promise<AiModel | null> {
    if (!Number.isSafeInteger(id) || id <= 0) return Promise.resolve(null);
    return manager.findOneBy(AiModel, { id });
  }

  getByName(name: string, manager: EntityManager = this.dataSource.manager): Promise<AiModel | null> {
    return manager.findOneBy(AiModel, { model_name: name });
  }

  /** Models matching every given filter, by `sort_order` then id. */
  listModels(
    filters: ModelFilters = {},
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AiModel[]> {
    const where = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));
    return manager.find(AiModel, { where, order: { sort_order: 'ASC', id: 'ASC' } });
  }

  /** The active text model marked default (else the first active text model by `sort_order`). */
  async defaultTextModel(manager: EntityManager = this.dataSource.manager): Promise<AiModel> {
    const model = await manager.findOne(AiModel, {
      where: { model_type: 'text', is_active: true },
      order: { is_default: 'DESC', sort_order: 'ASC', id: 'ASC' },
    });
    if (!model) throw new MissingModelError('text model');
    return model;
  }

  /**
   * The image model of a quality tier (docs/domain-model.md#ai-configuration): its active default, else its
   * active model with the lowest `sort_order`; when the tier has no active image model, the same choice in
   * the `quality` tier (seeded default: `gpt-image-1`).
   */
  async defaultImageModel(
    tier: ModelQualityTier,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AiModel> {
    const model =
      (await this.activeImageModelOfTier(tier, manager)) ??
      (await this.activeImageModelOfTier(FALLBACK_IMAGE_TIER, manager));
    if (!model) throw new MissingModelError('image model');
    return model;
  }

  /**
   * The first of `ids` (in order, nulls skipped) that is an active model of `type`; an explicit
   * choice that was deactivated (or deleted) since it was made no longer applies.
   */
  async firstActive(
    ids: readonly (number | null | undefined)[],
    type: ModelType,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AiModel | null> {
    const wanted = ids.filter((id): id is number => typeof id === 'number');
    if (wanted.length === 0) return null;
    const models = await manager.findBy(AiModel, { id: In(wanted), model_type: type, is_active: true });
    for (const id of wanted) {
      const model = models.find((candidate) => Number(candidate.id) === Number(id));
      if (model) return model;
    }
    return null;
  }

  /**
   * USD cost of one call as a decimal string with 6 decimals, computed exactly. Text models:
   * tokens × the price per 1M input/output tokens. Image models: `cost_per_image` × `images`.
   * A missing price counts as 0.
   */
  calculateCostUsd(model: AiModel, tokensInput: number, tokensOutput: number, images = 1): string {
    const input = tokenCount(tokensInput, 'tokensInput');
    const output = tokenCount(tokensOutput, 'tokensOutput');
    if (model.model_type === 'image') {
      const perImage = toScaled(model.cost_per_image ?? '0', IMAGE_PRICE_SCALE);
      const scaleUp = 10n ** BigInt(COST_SCALE - IMAGE_PRICE_SCALE);
      return formatScaled(perImage * scaleUp * tokenCount(images, 'images'), COST_SCALE);
    }
    const inputPrice = toScaled(model.input_cost_per_1m ?? '0', COST_SCALE);
    const outputPrice = toScaled(model.output_cost_per_1m ?? '0', COST_SCALE);
    const micros = divideRounded(input * inputPrice + output * outputPrice, TOKENS_PER_PRICE_UNIT);
    return formatScaled(micros, COST_SCALE);
  }

  private activeImageModelOfTier(tier: ModelQualityTier, manager: EntityManager): Promise<AiModel | null> {
    return globalQuery(manager, AiModel, 'm')
      .where("m.model_type = 'image' AND m.is_active")
      .andWhere('m.quality_tier IN (:...tiers)', { tiers: tiersSelectedAs(tier) })
      .orderBy('m.is_default', 'DESC')
      .addOrderBy('m.quality_tier = :tier', 'DESC')
      .addOrderBy('m.sort_order', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .setParameter('tier', tier)
      .limit(1)
      .getOne();
  }
}
