import type { EntityManager } from 'typeorm';
import type { OperationType, RelatedObjectType } from '../../billing/entities/credit-usage-log.entity.js';
import type { AiModel } from '../entities/ai-model.entity.js';
import type { AiTaskLog } from '../entities/ai-task-log.entity.js';
import type { EffectiveAiSettings } from '../entities/ai-settings.entity.js';
import type { ImageRequest, TextRequest } from '../providers/ai-provider.js';

/** The AI functions with an HTTP entry point (docs/domain-model.md#ai-engine). */
export const AI_FUNCTION_NAMES = [
  'auto_cluster',
  'generate_ideas',
  'generate_content',
  'generate_image_prompts',
  'generate_images',
  'optimize_content',
  'link_content',
] as const;
export type AiFunctionName = (typeof AI_FUNCTION_NAMES)[number];

/** Most ids one request of each entry point may name (docs/api-conventions.md#ai-actions-and-tasks). */
export const MAX_IDS: Record<AiFunctionName, number> = {
  auto_cluster: 100,
  generate_ideas: 20,
  generate_content: 10,
  generate_image_prompts: 10,
  generate_images: 50,
  optimize_content: 1,
  link_content: 20,
};

/** One entry of a result's `errors` (docs/domain-model.md#ai-engine). */
export interface ItemError {
  item_type: RelatedObjectType;
  item_id: number;
  error: string;
  code: string;
}

/** The validated input of an action, stored as the task's payload. */
export interface ActionPayload {
  ids: number[];
  sector_id?: number;
  /** The model chosen at entry (the effective text or image model then). */
  model_id: number;
  /** Request origin for absolute media URLs when PUBLIC_BASE_URL is not set. */
  origin?: string;
  /** Function-specific options of the request (the linker's `max_links`, …), validated by its DTO. */
  options?: Record<string, unknown>;
  /**
   * Items refused for credits are released (`release`) instead of failed: set on an automation run's tasks,
   * whose run pauses and takes them up again when it resumes.
   */
  release_refused?: boolean;
}

/** The request body of an entry point, after DTO validation. */
export interface ActionInput {
  ids: number[];
  sector_id?: number;
  /** Function-specific options, kept in the task's payload. */
  options?: Record<string, unknown>;
  /** The body field that named the ids, for the 400 on missing ones (default `ids`). */
  field?: string;
}

/** The task an entry point is creating, as `queued` sees it. */
export interface QueuedTask {
  task_id: string;
  site_id: number;
  user_id: number | null;
}

/** What an entry point learned while validating: the site and one estimate unit per item. */
export interface ActionPlan {
  siteId: number;
  /**
   * Per estimate item (docs/domain-model.md#credits): the word count for per-words units, else any number.
   */
  units: number[];
}

/** One unit of work: charged once, identified by `(type, id)`. */
export interface WorkItem {
  type: RelatedObjectType;
  id: number;
  /** The item's estimate unit (docs/domain-model.md#credits): the word count for per-words units, else 1. */
  units: number;
  /** Why it cannot be processed (reported, not run), or null. */
  ineligible: string | null;
}

export type ProviderCall = { kind: 'text'; request: TextRequest } | { kind: 'image'; request: ImageRequest };

export interface ProviderAnswer {
  text: string;
  data: Buffer | null;
  tokensInput: number;
  tokensOutput: number;
}

/** A partial result: numbers are added, arrays appended, objects replaced (see mergeResult). */
export type ResultPatch = Record<string, number | unknown[] | Record<string, unknown>>;

/** Everything a function needs while a task runs. */
export interface TaskRun {
  log: AiTaskLog;
  payload: ActionPayload;
  accountId: number;
  siteId: number;
  model: AiModel;
  settings: EffectiveAiSettings;
  /** A retried or taken-over job: items already saved are skipped silently. */
  resumed: boolean;
  signal: AbortSignal;
}

/** Why a task may not run at all any more: it ends `failed` with this error and code. */
export interface TaskRefusal {
  error: string;
  code: string;
}

/** A model answer that is not the expected JSON: the item fails, nothing is saved. */
export class ParseError extends Error {
  readonly code = 'parse_error';
}

/**
 * A registered AI function (docs/domain-model.md#ai-engine): validate (entry) → load (INIT) → buildCall
 * (PREP) → provider (AI_CALL) → parse (PARSE) → save (SAVE). The engine owns phases, credits and errors.
 */
export interface AiFunction<TItem extends WorkItem = WorkItem, TParsed = unknown> {
  readonly name: AiFunctionName;
  readonly operation: OperationType;
  readonly modelType: 'text' | 'image';
  readonly emptyResult: () => ResultPatch;
  /** Entry: every id visible (else 400 on `ids`), one site; returns the plan of the estimate. */
  validate(input: ActionInput): Promise<ActionPlan>;
  /**
   * Entry, in the transaction that takes the hold and creates the task: rows the task needs from the start
   * (an optimization job). What it returns joins the 202 answer.
   */
  queued?(manager: EntityManager, task: QueuedTask, input: ActionInput): Promise<Record<string, unknown>>;
  /**
   * When the task starts (every attempt, before INIT): a reason it may no longer run, e.g. its module was
   * switched off since the request. The engine then ends the task failed with that code and releases its hold.
   */
  refusal?(run: TaskRun): Promise<TaskRefusal | null>;
  /** INIT: the task's items in a stable order, each with its estimate and eligibility. */
  load(run: TaskRun): Promise<TItem[]>;
  /** INIT (after load): marks the eligible items as being worked on, e.g. tasks → `generating`. */
  begin?(manager: EntityManager, items: TItem[], run: TaskRun): Promise<void>;
  /** Whether the item already has its output (a retried job skips it). */
  alreadySaved(manager: EntityManager, item: TItem, run: TaskRun): Promise<boolean>;
  buildCall(item: TItem, run: TaskRun): Promise<ProviderCall>;
  parse(answer: ProviderAnswer, item: TItem, run: TaskRun): Promise<TParsed>;
  /** SAVE, inside the charge's transaction. */
  save(manager: EntityManager, item: TItem, parsed: TParsed, run: TaskRun): Promise<ResultPatch>;
  /** SAVE, after the item was charged `credits`, in the same transaction. */
  charged?(manager: EntityManager, item: TItem, credits: number, run: TaskRun): Promise<void>;
  /** Records a failed item on its rows (task `failed`, image `failed`), inside a transaction. */
  markFailed?(
    manager: EntityManager,
    item: TItem,
    error: ItemError,
    run: TaskRun,
  ): Promise<ResultPatch | void>;
  /** The task ended early (time limit, unexpected error): items left mid-way are marked failed. */
  abandon?(manager: EntityManager, log: AiTaskLog, message: string): Promise<void>;
  /**
   * Items `begin` marked but the task will not work on (refused for credits under `release_refused`, or the
   * running task was cancelled) go back to where they were before it, e.g. tasks `generating → queued`.
   */
  release?(manager: EntityManager, log: AiTaskLog, ids: readonly number[]): Promise<void>;
  /** What the result says before any item runs (e.g. how many images were asked for). */
  initialResult?(items: TItem[], run: TaskRun): ResultPatch;
  /** The `errors` entries of a failed item (a clustering chunk lists each of its keywords). */
  errorsOf?(item: TItem, error: string, code: string): ItemError[];
  /** Removes what `parse` stored outside the database when its save is rolled back. */
  discard?(parsed: TParsed): Promise<void>;
}

export function mergeResult(target: ResultPatch, patch: ResultPatch): ResultPatch {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (Array.isArray(value)) target[key] = [...(Array.isArray(current) ? current : []), ...value];
    else if (typeof value === 'number') target[key] = (typeof current === 'number' ? current : 0) + value;
    else target[key] = value;
  }
  return target;
}

/** Parses a model's JSON answer (tolerating code fences); anything else is a ParseError. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const trimmed = text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/i, '$1');
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new ParseError('The model did not answer with valid JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ParseError('The model did not answer with a JSON object.');
  }
  return value as Record<string, unknown>;
}
