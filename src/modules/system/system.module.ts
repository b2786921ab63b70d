import { Module } from '@nestjs/common';
import { MetricsModule } from '../../common/metrics/metrics.module.js';
import { AiModule } from '../ai/ai.module.js';
import { AutomationConfigModule } from '../automation-config/automation-config.module.js';
import { CleanupLogsJob } from './jobs/cleanup-logs.job.js';
import { ReconcileTasksJob } from './jobs/reconcile-tasks.job.js';
import { EmailTemplatesController, EmailTemplatesService } from './email-templates.controller.js';
import { PingController } from './ping.controller.js';
import { RequestMetricsController } from './request-metrics.controller.js';
import { SiteStatusService } from './site-status.service.js';
import { StatusController } from './status.controller.js';

@Module({
  imports: [MetricsModule, AiModule, AutomationConfigModule],
  controllers: [PingController, RequestMetricsController, StatusController, EmailTemplatesController],
  providers: [CleanupLogsJob, ReconcileTasksJob, SiteStatusService, EmailTemplatesService],
})
export class SystemModule {}
