import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { ChannelLogger } from '../../../common/logging/channel-logger.js';
import { insertOrIgnore, tenantQuery } from '../../../common/tenancy/tenant-sql.js';
import type { WebhookProvider } from '../entities/billing-enums.js';
import { WebhookEvent } from '../entities/webhook-event.entity.js';

/** A verified delivery, about to be stored and processed. */
export interface InboundEvent {
  provider: WebhookProvider;
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
}

/** What processing an event did: the account it concerned and a word for the log. */
export interface EventOutcome {
  accountId?: number | null;
  outcome: string;
}

export type EventHandler = (manager: EntityManager, now: Date) => Promise<EventOutcome>;

export interface Receipt {
  received: true;
  /** True when an earlier delivery of the same event was already processed: nothing was done. */
  duplicate: boolean;
}

const MAX_ERROR_LENGTH = 2000;

/**
 * Exactly-once processing of provider events (docs/billing.md#webhooks). Each verified event is first
 * stored by `(provider, event_id)` (INSERT … ON CONFLICT DO NOTHING, so every delivery finds the one
 * row), then processed in a transaction holding that row's lock: a concurrent delivery waits for it,
 * then sees `processed` and answers as a duplicate. The effects and the `processed` flag commit
 * together; a failure rolls the effects back, records the error and the attempt, and the provider's
 * retry processes the event again.
 */
@Injectable()
export class WebhookInbox {
  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: ChannelLogger,
  ) {}

  async receive(event: InboundEvent, handler: EventHandler): Promise<Receipt> {
    const log = { provider: event.provider, event_id: event.eventId, event_type: event.eventType };
    await insertOrIgnore(this.dataSource.manager, WebhookEvent, {
      provider: event.provider,
      event_id: event.eventId,
      event_type: event.eventType.slice(0, 100),
      payload: event.payload as QueryDeepPartialEntity<Record<string, unknown>>,
      account_id: null,
    });
    try {
      const receipt = await this.dataSource.transaction(
        async (tx): Promise<{ receipt: Receipt; outcome: string }> => {
          const row = await tenantQuery(tx, WebhookEvent, 'e')
            .andWhere('e.provider = :provider AND e.event_id = :event_id', {
              provider: event.provider,
              event_id: event.eventId,
            })
            .setLock('pessimistic_write')
            .getOneOrFail();
          if (row.processed) return { receipt: { received: true, duplicate: true }, outcome: 'duplicate' };
          const now = new Date();
          const result = await handler(tx, now);
          await tx.update(WebhookEvent, row.id, {
            processed: true,
            processed_at: now,
            processing_error: null,
            attempts: row.attempts + 1,
            ...(result.accountId ? { account_id: result.accountId } : {}),
          });
          return { receipt: { received: true, duplicate: false }, outcome: result.outcome };
        },
      );
      this.channels.info('webhooks', 'webhook processed', {
        ...log,
        verified: true,
        outcome: receipt.outcome,
      });
      return receipt.receipt;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.dataSource.manager.update(
        WebhookEvent,
        { provider: event.provider, event_id: event.eventId },
        { processing_error: message.slice(0, MAX_ERROR_LENGTH), attempts: () => 'attempts + 1' },
      );
      this.channels.error('webhooks', 'webhook processing failed', {
        ...log,
        verified: true,
        error: message,
      });
      throw error;
    }
  }

  /** Logs a delivery whose signature was refused (it is not stored). */
  refused(provider: WebhookProvider, eventId: string | null, reason: string): void {
    this.channels.info('webhooks', 'webhook refused', {
      provider,
      event_id: eventId,
      verified: false,
      reason,
    });
  }
}
