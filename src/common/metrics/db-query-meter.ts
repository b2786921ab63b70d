import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  type AfterQueryEvent,
  type BeforeQueryEvent,
  DataSource,
  type EntitySubscriberInterface,
} from 'typeorm';
import { observeStatements, type StatementObserver } from '../../database/statement.js';
import { ResourceTracking } from './resource-tracking.service.js';

/**
 * Counts and times the database queries of tracked requests
 * (docs/api-conventions.md#request-id-and-resource-tracking), attributed through the request's CLS context.
 * TypeORM's query runner announces each of its queries to the subscribers before and after it runs; the
 * statements sent without one (`runStatement`) are announced to the statement observers.
 */
@Injectable()
export class DbQueryMeter implements EntitySubscriberInterface, StatementObserver, OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tracking: ResourceTracking,
  ) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
    observeStatements(this.dataSource, this);
  }

  beforeQuery(event: BeforeQueryEvent): void {
    this.tracking.queryStarted(event.queryRunner);
  }

  afterQuery(event: AfterQueryEvent): void {
    this.tracking.queryFinished(event.queryRunner, event.executionTime);
  }

  statementStarted(key: object): void {
    this.tracking.queryStarted(key);
  }

  statementFinished(key: object): void {
    this.tracking.queryFinished(key, undefined);
  }
}
