import { anyToAny, defineStateMachine } from '../../common/state-machine.js';
import { CLUSTER_STATUSES } from './entities/cluster.entity.js';
import { IDEA_STATUSES } from './entities/content-idea.entity.js';
import { KEYWORD_STATUSES } from './entities/keyword.entity.js';

/*
 * Planner state machines (docs/domain-model.md#state-machines). Each status is a manual override for editors
 * ("any → any" by PATCH / bulk_update), so every transition is also client-settable; the automatic
 * transitions (new → mapped on cluster assignment, new → queued when a task is created, …) are a subset.
 */

/** Keywords.status: `new → mapped` (cluster assigned), `mapped → new` (cleared), any → any by an editor. */
export const KEYWORD_STATUS = defineStateMachine({
  field: 'status',
  transitions: anyToAny(KEYWORD_STATUSES),
});

/** Clusters.status: `new → mapped` (first idea for the cluster), any → any by an editor. */
export const CLUSTER_STATUS = defineStateMachine({
  field: 'status',
  transitions: anyToAny(CLUSTER_STATUSES),
});

/** ContentIdeas.status: `new → queued` (task created), `queued → completed` (content generated), any → any by an editor. */
export const IDEA_STATUS = defineStateMachine({
  field: 'status',
  transitions: anyToAny(IDEA_STATUSES),
});
