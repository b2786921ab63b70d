import { Module, type OnModuleInit } from '@nestjs/common';
import { SoftDeleteService } from '../../common/tenancy/soft-delete.service.js';
import { ClustersService } from './clusters.service.js';
import { PLANNER_CASCADES } from './entities/cascades.js';
import { IdeasService } from './ideas.service.js';
import { KeywordsService } from './keywords.service.js';
import { PlannerRefs } from './planner-resource.js';
import {
  ClusterActionsController,
  ClustersController,
  IdeaActionsController,
  IdeasController,
  KeywordActionsController,
  KeywordsController,
} from './planner.controller.js';

/** Planner (without the AI actions): keywords, clusters and ideas. */
@Module({
  controllers: [
    KeywordActionsController,
    KeywordsController,
    ClusterActionsController,
    ClustersController,
    IdeaActionsController,
    IdeasController,
  ],
  providers: [PlannerRefs, KeywordsService, ClustersService, IdeasService],
  exports: [KeywordsService, ClustersService, IdeasService],
})
export class PlannerModule implements OnModuleInit {
  constructor(
    private readonly softDeletes: SoftDeleteService,
    private readonly keywords: KeywordsService,
    private readonly clusters: ClustersService,
  ) {}

  /** Site and sector deletions cascade to the planner; keyword and cluster deletions have side effects. */
  onModuleInit(): void {
    for (const { parent, table, column } of PLANNER_CASCADES) {
      this.softDeletes.registerCascade(parent, { table, column });
    }
    this.keywords.registerHooks();
    this.clusters.registerHooks();
  }
}
