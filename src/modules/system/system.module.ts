import { Module } from '@nestjs/common';
import { MetricsModule } from '../../common/metrics/metrics.module.js';
import { AiModule } from '../ai/ai.module.js';
import { CleanupLogsJob } from './jobs/cleanup-logs.job.js';
import { ReconcileTasksJob } from './jobs/reconcile-tasks.job.js';
import { PingController } from './ping.controller.js';
import { RequestMetricsController } from './request-metrics.controller.js';

@Module({
  imports: [MetricsModule, AiModule],
  controllers: [PingController, RequestMetricsController],
  providers: [CleanupLogsJob, ReconcileTasksJob],
})
export class SystemModule {}
