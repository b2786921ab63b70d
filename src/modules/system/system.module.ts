import { Module } from '@nestjs/common';
import { MetricsModule } from '../../common/metrics/metrics.module.js';
import { CleanupLogsJob } from './jobs/cleanup-logs.job.js';
import { PingController } from './ping.controller.js';
import { RequestMetricsController } from './request-metrics.controller.js';

@Module({
  imports: [MetricsModule],
  controllers: [PingController, RequestMetricsController],
  providers: [CleanupLogsJob],
})
export class SystemModule {}
