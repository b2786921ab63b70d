import type { EntityManager } from 'typeorm';
import type { AiFunctionName } from '../ai/engine/ai-function.js';
import {
  clustersForIdeas,
  ideasToQueue,
  keywordsToCluster,
  type PendingRow,
} from '../planner/planner-reads.js';
import {
  contentForImagePrompts,
  contentInReview,
  imagesToGenerate,
  tasksToWrite,
} from '../writer/writer-reads.js';
import type { AutomationRun, StageResult } from './entities/automation-run.entity.js';

export const STAGE_NUMBERS = [1, 2, 3, 4, 5, 6, 7] as const;
export type StageNumber = (typeof STAGE_NUMBERS)[number];

export interface StageDefinition {
  name: string;
  /** The item type of the stage's rows (as in `errors` and `current_processing/`). */
  itemType: string;
  /** The AI function of the stage, or null for local stages. */
  fn: AiFunctionName | null;
  /** The key of the function's result counting the rows it created. */
  created?: string;
  /** The eligible items of the site right now (docs/automation.md#stages). */
  pending(manager: EntityManager, siteId: number): Promise<PendingRow[]>;
}

export const STAGES: Record<StageNumber, StageDefinition> = {
  1: {
    name: 'Keywords → Clusters',
    itemType: 'keyword',
    fn: 'auto_cluster',
    created: 'clusters_created',
    pending: keywordsToCluster,
  },
  2: {
    name: 'Clusters → Ideas',
    itemType: 'cluster',
    fn: 'generate_ideas',
    created: 'ideas_created',
    pending: clustersForIdeas,
  },
  3: { name: 'Ideas → Tasks', itemType: 'idea', fn: null, pending: ideasToQueue },
  4: {
    name: 'Tasks → Content',
    itemType: 'task',
    fn: 'generate_content',
    created: 'tasks_completed',
    pending: tasksToWrite,
  },
  5: {
    name: 'Content → Image prompts',
    itemType: 'content',
    fn: 'generate_image_prompts',
    created: 'images_created',
    pending: contentForImagePrompts,
  },
  6: {
    name: 'Image prompts → Images',
    itemType: 'image',
    fn: 'generate_images',
    created: 'images_generated',
    pending: imagesToGenerate,
  },
  7: { name: 'Review gate', itemType: 'content', fn: null, pending: contentInReview },
};

/** At most this many entries are kept in a stage result's `errors`. */
export const MAX_STAGE_ERRORS = 50;

export function emptyStage(stage: StageNumber): StageResult {
  return {
    stage,
    name: STAGES[stage].name,
    status: 'pending',
    items_total: 0,
    items_processed: 0,
    items_created: 0,
    items_failed: 0,
    credits_used: 0,
    started_at: null,
    completed_at: null,
    skip_reason: null,
    errors: [],
  };
}

export type StageColumn = `stage_${StageNumber}_result`;

export function stageColumn(stage: StageNumber): StageColumn {
  return `stage_${stage}_result`;
}

export function stageResult(run: AutomationRun, stage: StageNumber): StageResult | null {
  return run[stageColumn(stage)];
}

/**
 * Consecutive batches of at most `size` items, never mixing sectors (items come ordered by sector).
 */
export function batches(items: readonly PendingRow[], size: number): PendingRow[][] {
  const out: PendingRow[][] = [];
  let current: PendingRow[] = [];
  for (const item of items) {
    if (current.length > 0 && (current.length >= size || current[0].sector_id !== item.sector_id)) {
      out.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) out.push(current);
  return out;
}
