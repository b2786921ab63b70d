import { defineStateMachine } from '../../common/state-machine.js';
import type { ContentSiteStatus, ContentStatus } from './entities/content.entity.js';
import type { ImageStatus } from './entities/image.entity.js';
import type { TaskStatus } from './entities/task.entity.js';

/*
 * Writer state machines (docs/domain-model.md#state-machines): `transitions` is every transition of the table
 * (jobs and server-side actions check `canTransition` and skip the item otherwise); `clientSettable` is what
 * PATCH / PUT / bulk_update may write (`assertTransition`, 400 `invalid_transition`).
 *
 * The WordPress remote status mapping (status webhooks, status checks, syncs; not built yet)
 * records what the remote site reports and is applied as such, not through these tables.
 */

/**
 * Tasks.status: `queued`/`failed` → `generating` (generate_content starts), `generating` →
 * `completed` (content saved) / `failed` (error or timeout) / `queued` (released: the automation run
 * whose job started it was cancelled, or credits ran out before it was generated, so it waits for the
 * next run), `failed`/`completed` → `queued` (editor re-queues). Clients may only set `queued`, from
 * `failed` or `completed`.
 */
export const TASK_STATUS = defineStateMachine<TaskStatus>({
  field: 'status',
  transitions: {
    queued: ['generating'],
    generating: ['completed', 'failed', 'queued'],
    completed: ['queued'],
    failed: ['generating', 'queued'],
  },
  clientSettable: {
    completed: ['queued'],
    failed: ['queued'],
  },
});

/**
 * Content.status (editorial): `draft → review` (images done, or editor), `review → approved`
 * (editor, auto-approval, automation stage 7), `review`/`approved → draft` and `approved → review`
 * (editor), `review`/`approved`/`published → published` (successful publish only; republish),
 * `published → approved` (unpublish, or WordPress reports the post is no longer public).
 * Clients can never write `published`, nor leave it.
 */
export const CONTENT_STATUS = defineStateMachine<ContentStatus>({
  field: 'status',
  transitions: {
    draft: ['review'],
    review: ['approved', 'draft', 'published'],
    approved: ['draft', 'review', 'published'],
    published: ['published', 'approved'],
  },
  clientSettable: {
    draft: ['review'],
    review: ['approved', 'draft'],
    approved: ['draft', 'review'],
  },
});

/**
 * Content.site_status (publishing): `not_published`/`failed → scheduled` (scheduler or the
 * `schedule` action), `scheduled → not_published` (`unschedule`), `not_published`/`scheduled`/
 * `failed`/`published → publishing` (a publish attempt starts; from `published` a republish),
 * `publishing → published`/`failed` (adapter success/failure) or `not_published`/`scheduled`
 * (delivered post not public: remote status mapping), `published → not_published` (unpublish).
 * Read-only for clients: only the schedule/unschedule/publish actions change it.
 */
export const CONTENT_SITE_STATUS = defineStateMachine<ContentSiteStatus>({
  field: 'site_status',
  transitions: {
    not_published: ['scheduled', 'publishing'],
    scheduled: ['not_published', 'publishing'],
    publishing: ['published', 'failed', 'not_published', 'scheduled'],
    published: ['publishing', 'not_published'],
    failed: ['scheduled', 'publishing'],
  },
  clientSettable: {},
});

/**
 * Images.status: `pending → generated`/`failed` (generate_images), `failed → generated`/`failed`
 * (retry), `generated`/`failed → pending` (editor asks for a new image). Clients may only set
 * `pending`. (Replacing `pending`/`failed` rows by new ones in generate_image_prompts is a soft
 * delete, not a status change.)
 */
export const IMAGE_STATUS = defineStateMachine<ImageStatus>({
  field: 'status',
  transitions: {
    pending: ['generated', 'failed'],
    generated: ['pending'],
    failed: ['generated', 'failed', 'pending'],
  },
  clientSettable: {
    generated: ['pending'],
    failed: ['pending'],
  },
});
