import { Module } from '@nestjs/common';
import { CleanupLogsJob } from './jobs/cleanup-logs.job.js';
import { PingController } from './ping.controller.js';

@Module({ controllers: [PingController], providers: [CleanupLogsJob] })
export class SystemModule {}
