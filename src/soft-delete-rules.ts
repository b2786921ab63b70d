import {
  cascadeTo,
  type EntityClass,
  softDeleteRule,
  type SoftDeleteRule,
} from './common/tenancy/soft-delete.js';
import { Account } from './modules/identity/entities/account.entity.js';
import { Sector } from './modules/identity/entities/sector.entity.js';
import { Site } from './modules/identity/entities/site.entity.js';
import { User } from './modules/identity/entities/user.entity.js';
import {
  detachKeywords,
  lockClustersOfKeywords,
  refreshClustersOfKeywords,
} from './modules/planner/cluster-aggregates.js';
import { Cluster } from './modules/planner/entities/cluster.entity.js';
import { ContentIdea } from './modules/planner/entities/content-idea.entity.js';
import { Keyword } from './modules/planner/entities/keyword.entity.js';
import { ContentTaxonomy } from './modules/writer/entities/content-taxonomy.entity.js';
import { Content } from './modules/writer/entities/content.entity.js';
import { Image } from './modules/writer/entities/image.entity.js';
import { Task } from './modules/writer/entities/task.entity.js';
import { lockClustersOfContent, refreshClustersOfContent } from './modules/writer/mapped-pages.js';

/**
 * The planner and writer rows a site or a sector takes with it. Keywords come before clusters: a
 * cluster deleted in a cascade keeps the keywords deleted in the same cascade (detachKeywords).
 * Taxonomy terms name a sector optionally.
 */
const SITE_SECTOR_ROWS: readonly EntityClass<{ site?: object; sector?: object }>[] = [
  Keyword,
  Cluster,
  ContentIdea,
  Task,
  Content,
  Image,
  ContentTaxonomy,
];

/**
 * Every soft-delete cascade and side effect (docs/tenancy-sql.md), read by `SoftDeleteService`. A
 * cascade also makes its parent a restore parent: a row is not restored while the row its relation
 * points to is deleted.
 */
export const SOFT_DELETE_RULES: readonly SoftDeleteRule[] = [
  softDeleteRule(Account, { cascade: [cascadeTo(User, 'account'), cascadeTo(Site, 'account')] }),
  softDeleteRule(Site, {
    cascade: [cascadeTo(Sector, 'site'), ...SITE_SECTOR_ROWS.map((rows) => cascadeTo(rows, 'site'))],
  }),
  softDeleteRule(Sector, { cascade: SITE_SECTOR_ROWS.map((rows) => cascadeTo(rows, 'sector')) }),
  /** A deleted keyword leaves its cluster's counts. */
  softDeleteRule(Keyword, { beforeDelete: lockClustersOfKeywords, afterDelete: refreshClustersOfKeywords }),
  /** A deleted cluster lets its keywords go (`new`, no cluster). */
  softDeleteRule(Cluster, { afterDelete: detachKeywords }),
  /** Content takes its images and leaves its cluster's `mapped_pages`. */
  softDeleteRule(Content, {
    cascade: [cascadeTo(Image, 'content')],
    beforeDelete: lockClustersOfContent,
    afterDelete: refreshClustersOfContent,
  }),
];
