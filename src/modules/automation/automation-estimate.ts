import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AiSettingsService } from '../ai/config/ai-settings.service.js';
import { CreditMeter } from '../billing/credit-meter.service.js';
import type { AutomationConfig } from '../automation-config/entities/automation-config.entity.js';
import type { OperationType } from '../billing/entities/credit-usage-log.entity.js';
import { STAGE_NUMBERS, STAGES, type StageNumber } from './stages.js';

/** The buffer a run must have over its estimate (docs/automation.md#estimate). */
export const CREDIT_BUFFER = 1.2;

export interface StageEstimate {
  quantity: number;
  credits: number;
}

export interface RunEstimate {
  estimated_credits: number;
  required_credits: number;
  balance: number;
  sufficient: boolean;
  internal: boolean;
  breakdown: Record<`stage_${StageNumber}`, StageEstimate>;
}

/**
 * The credit estimate of a run from the site's current data (docs/automation.md#estimate), with the
 * effective AI settings and the credit cost configuration; `required_credits` adds the 1.2× buffer.
 */
@Injectable()
export class AutomationEstimator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly meter: CreditMeter,
    private readonly settings: AiSettingsService,
  ) {}

  async estimate(
    accountId: number,
    siteId: number,
    config: Pick<AutomationConfig, 'stage_1_batch_size'>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<RunEstimate> {
    const settings = await this.settings.effective(accountId, siteId, manager);
    const pending = [];
    for (const stage of [1, 2, 3, 4, 5, 6] as const)
      pending.push(await STAGES[stage].pending(manager, siteId));
    const [keywords, clusters, ideas, tasks, contents, images] = pending;
    const per = async (operation: OperationType, units: number[]) => {
      if (units.length === 0) return 0;
      const cost = await this.meter.costConfig(manager, operation);
      return this.meter
        .itemEstimates(cost, units, settings.image_model.credits_per_image ?? 0)
        .reduce((sum, n) => sum + n, 0);
    };
    const bySector = new Map<number, number>();
    for (const row of keywords) bySector.set(row.sector_id, (bySector.get(row.sector_id) ?? 0) + 1);
    const calls = [...bySector.values()].reduce(
      (sum, k) => sum + Math.ceil(k / config.stage_1_batch_size),
      0,
    );
    const k = keywords.length;
    const c = clusters.length + Math.ceil(k / 5);
    const futureIdeas = c * settings.ideas_per_cluster;
    const t = tasks.length + ideas.length + futureIdeas;
    const p = contents.length + t;
    const n = images.length + p * (1 + settings.max_images);
    const words = [
      ...tasks.map((row) => row.units),
      ...ideas.map((row) => row.units),
      ...Array.from({ length: futureIdeas }, () => settings.default_word_count),
    ];
    const breakdown = {
      stage_1: {
        quantity: k,
        credits: await per(
          'clustering',
          Array.from({ length: calls }, () => 1),
        ),
      },
      stage_2: {
        quantity: c,
        credits: await per(
          'idea_generation',
          Array.from({ length: c }, () => 1),
        ),
      },
      stage_3: { quantity: ideas.length, credits: 0 },
      stage_4: { quantity: t, credits: await per('content_generation', words) },
      stage_5: {
        quantity: p,
        credits: await per(
          'image_prompt_extraction',
          Array.from({ length: p }, () => 1),
        ),
      },
      stage_6: { quantity: n, credits: n * (settings.image_model.credits_per_image ?? 0) },
      stage_7: { quantity: 0, credits: 0 },
    };
    const estimated = STAGE_NUMBERS.reduce((sum, stage) => sum + breakdown[`stage_${stage}`].credits, 0);
    const required = Math.ceil(CREDIT_BUFFER * estimated);
    const { balance, internal } = await this.meter.available(manager, accountId);
    return {
      estimated_credits: estimated,
      required_credits: required,
      balance,
      sufficient: internal || balance >= required,
      internal,
      breakdown,
    };
  }
}
