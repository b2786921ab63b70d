/*
 * Writer rows the planner reads or creates (a cluster's mapped pages, an idea's task, queuing ideas
 * to the writer), named by their entity name: the writer module depends on the planner (its rows
 * point at clusters and ideas), so the planner must not import the writer's entity classes.
 */
export const WRITER_TASK = 'Task';
export const WRITER_CONTENT = 'Content';
