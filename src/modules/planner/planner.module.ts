import { Module } from '@nestjs/common';
import { ClustersService } from './clusters.service.js';
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
export class PlannerModule {}
