import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  type AfterQueryEvent,
  type BeforeQueryEvent,
  DataSource,
  type EntitySubscriberInterface,
} from 'typeorm';
import { ResourceTracking } from './resource-tracking.service.js';

/**
 * Counts and times the database queries of tracked requests
 * (docs/api-conventions.md#request-id-and-resource-tracking), attributed through the request's CLS context.
 * Every query of the app goes through TypeORM's query runner, which announces it to the subscribers before
 * and after it runs.
 */
@Injectable()
export class DbQueryMeter implements EntitySubscriberInterface, OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tracking: ResourceTracking,
  ) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  beforeQuery(event: BeforeQueryEvent): void {
    this.tracking.queryStarted(event.queryRunner);
  }

  afterQuery(event: AfterQueryEvent): void {
    this.tracking.queryFinished(event.queryRunner, event.executionTime);
  }
}
