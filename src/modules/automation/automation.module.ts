import { Module } from '@nestjs/common';
import { AiModule } from '../ai/ai.module.js';
import { AiConfigModule } from '../ai/config/ai-config.module.js';
import { AutomationConfigModule } from '../automation-config/automation-config.module.js';
import { BillingModule } from '../billing/billing.module.js';
import { PlannerModule } from '../planner/planner.module.js';
import { PublishingSettingsModule } from '../publishing-settings/publishing-settings.module.js';
import { SiteSettingsModule } from '../site-settings/site-settings.module.js';
import { AutomationEstimator } from './automation-estimate.js';
import { AutomationLock } from './automation-lock.js';
import { AutomationPipeline } from './automation-pipeline.js';
import { AutomationRecovery } from './automation-recovery.js';
import { AutomationRunsService } from './automation-runs.service.js';
import { AutomationScheduler } from './automation-scheduler.js';
import { AutomationViewsService } from './automation-views.service.js';
import { AutomationController } from './automation.controller.js';
import { RunEvents } from './run-events.js';
import { RunLog } from './run-log.js';

/**
 * The automation pipeline (docs/automation.md): runs of the seven stages on a site, started by hand or by
 * the scheduler, executed as `run_automation` jobs on the `automation` queue through the planner, writer
 * and AI modules; `automation/*`.
 */
@Module({
  imports: [
    AiModule,
    AiConfigModule,
    AutomationConfigModule,
    BillingModule,
    PlannerModule,
    PublishingSettingsModule,
    SiteSettingsModule,
  ],
  controllers: [AutomationController],
  providers: [
    AutomationLock,
    RunLog,
    RunEvents,
    AutomationEstimator,
    AutomationRunsService,
    AutomationViewsService,
    AutomationPipeline,
    AutomationScheduler,
    AutomationRecovery,
  ],
  exports: [AutomationRunsService, AutomationScheduler],
})
export class AutomationModule {}
