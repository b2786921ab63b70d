import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { ApiError, type FieldErrors } from '../../../common/http/error-codes.js';
import { invalidReference } from '../../../common/tenancy/scoped-repository.js';
import type { ModelType } from '../entities/ai-model.entity.js';
import { AiSettings, type EffectiveAiSettings, SystemAiSettings } from '../entities/ai-settings.entity.js';
import { ModelRegistry } from './model-registry.service.js';
import { type AiSettingsValues, presentSettingsValues } from './presenters.js';

/** Changes to one level: absent keeps, null clears (inherits again). Ranges are checked by the DTO. */
export type AiSettingsChanges = Partial<AiSettingsValues>;

/** The values of one level (account or site) and what they resolve to. */
export interface AiSettingsLevelView {
  values: AiSettingsValues;
  effective: EffectiveAiSettings;
}

const UNIQUE_VIOLATION = '23505';

const MODEL_FIELDS: { field: 'text_model_id' | 'image_model_id'; type: ModelType }[] = [
  { field: 'text_model_id', type: 'text' },
  { field: 'image_model_id', type: 'image' },
];

/**
 * AI settings (docs/domain-model.md#ai-configuration): the account row (`site_id` NULL) and site rows
 * override the SystemAISettings defaults value by value. Every method takes the account explicitly; callers
 * pass the caller's own account (or a site they checked is visible), so the rows read and written are limited
 * to it by construction.
 */
@Injectable()
export class AiSettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelRegistry,
  ) {}

  /**
   * Effective value of each setting = site row value → account row value → system default.
   * Text model: explicit id (site → account → system) → the default text model. Image model:
   * explicit id (site → account → system) → the default image model of the effective tier (see
   * `ModelRegistry.defaultImageModel`). An explicit model that is no longer an active model of its
   * type is skipped.
   */
  async effective(
    accountId: number,
    siteId: number | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<EffectiveAiSettings> {
    const system = await this.system(manager);
    const account = await this.row(accountId, null, manager);
    const site = siteId === null ? null : await this.row(accountId, siteId, manager);
    const chain = <K extends keyof AiSettingsValues>(key: K) => [site?.[key], account?.[key]];
    const [siteTier, accountTier] = chain('quality_tier');
    const quality_tier = siteTier ?? accountTier ?? system.default_quality_tier;
    const textIds = [...chain('text_model_id'), system.default_text_model_id];
    const imageIds = [...chain('image_model_id'), system.default_image_model_id];
    return {
      text_model:
        (await this.models.firstActive(textIds, 'text', manager)) ??
        (await this.models.defaultTextModel(manager)),
      image_model:
        (await this.models.firstActive(imageIds, 'image', manager)) ??
        (await this.models.defaultImageModel(quality_tier, manager)),
      quality_tier,
      image_style: site?.image_style ?? account?.image_style ?? system.default_image_style,
      max_images: site?.max_images ?? account?.max_images ?? system.default_max_images,
      ideas_per_cluster:
        site?.ideas_per_cluster ?? account?.ideas_per_cluster ?? system.default_ideas_per_cluster,
      default_word_count:
        site?.default_word_count ?? account?.default_word_count ?? system.default_word_count,
      temperature: Number(system.temperature),
      max_tokens: system.max_tokens,
    };
  }

  /** The level's own values (all null without a row) and the effective settings there. */
  async view(
    accountId: number,
    siteId: number | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AiSettingsLevelView> {
    return {
      values: presentSettingsValues(await this.row(accountId, siteId, manager)),
      effective: await this.effective(accountId, siteId, manager),
    };
  }

  /**
   * Applies `changes` to the account level (`siteId` null) or a site level, creating the row on
   * first use. `text_model_id` / `image_model_id` must name active models of that type.
   */
  async update(
    accountId: number,
    siteId: number | null,
    changes: AiSettingsChanges,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AiSettingsLevelView> {
    await this.checkModels(changes, manager);
    try {
      await this.applyChanges(accountId, siteId, changes, manager);
    } catch (error) {
      // A concurrent first write created the row between our read and insert: update that row.
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      await this.applyChanges(accountId, siteId, changes, manager);
    }
    return this.view(accountId, siteId, manager);
  }

  /** Removes a site's overrides (the site inherits the account level again). */
  async resetSite(
    accountId: number,
    siteId: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.delete(AiSettings, { account_id: accountId, site_id: siteId });
  }

  private async applyChanges(
    accountId: number,
    siteId: number | null,
    changes: AiSettingsChanges,
    manager: EntityManager,
  ): Promise<void> {
    // Its own transaction (a savepoint inside the caller's): a failed insert leaves the caller's usable.
    await manager.transaction(async (tx) => {
      const row =
        (await this.row(accountId, siteId, tx)) ??
        tx.create(AiSettings, { account_id: accountId, site_id: siteId });
      Object.assign(row, definedOnly(changes));
      await tx.save(AiSettings, row);
    });
  }

  private async checkModels(changes: AiSettingsChanges, manager: EntityManager): Promise<void> {
    const errors: FieldErrors = {};
    for (const { field, type } of MODEL_FIELDS) {
      const id = changes[field];
      if (id === undefined || id === null) continue;
      const model = await this.models.getModel(id, manager);
      if (!model) errors[field] = [invalidReference(id)];
      else if (model.model_type !== type || !model.is_active) {
        errors[field] = [`Model "${id}" is not an active ${type} model.`];
      }
    }
    if (Object.keys(errors).length > 0) throw ApiError.validation(errors);
  }

  private row(accountId: number, siteId: number | null, manager: EntityManager): Promise<AiSettings | null> {
    return manager.findOneBy(AiSettings, { account_id: accountId, site_id: siteId ?? IsNull() });
  }

  private async system(manager: EntityManager): Promise<SystemAiSettings> {
    const system = await manager.findOneBy(SystemAiSettings, { id: 1 });
    if (!system) throw new Error('The SystemAISettings row (id = 1) is missing; run the migrations.');
    return system;
  }
}

function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}
