/**
 * The list machinery (docs/api-conventions.md#lists): declare a `ListSpec` once per resource, use
 * `ListService` in controllers.
 */
export { applyFilters, applyOrdering, likeEscape } from './apply.js';
export { type FilterOption, type FilterOptions, filterOptions, titleCase } from './filter-options.js';
export { ApiFilterOptions, ApiListQuery } from './list-openapi.js';
export {
  DEFAULT_PAGE_SIZE,
  type FilterValue,
  type ListQuery,
  MAX_PAGE_SIZE,
  type OrderKey,
  type ParsedFilter,
  parseListQuery,
  parseOrdering,
  type RawQuery,
} from './list-query.js';
export {
  type Bind,
  type Condition,
  defineList,
  filter,
  type FilterDef,
  InvalidFilterValue,
  type ListSpec,
  rangeFilters,
  type Sql,
  timeRangeFilters,
} from './list-spec.js';
export { ListModule, ListService } from './list.service.js';
export {
  columnRows,
  computedSql,
  countRows,
  defaultFetch,
  type PageComputed,
  type PageFetch,
  type PageRequest,
  pageLinker,
  paginateQuery,
  readsPlainRows,
} from './paginate.js';
