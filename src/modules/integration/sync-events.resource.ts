import { Injectable } from '@nestjs/common';
import { defineList, filter } from '../../common/list/index.js';
import { ResourceDeps, ScopedResource } from '../../common/tenancy/scoped-resource.js';
import type { SyncEventDto } from './dto/integration.dto.js';
import { SYNC_EVENT_STATUSES, SYNC_EVENT_TYPES, SyncEvent } from './entities/sync-event.entity.js';

export const SYNC_EVENTS_LIST = defineList({
  filters: {
    site_id: filter.relation('se.site_id'),
    integration_id: filter.relation('se.integration_id', { nullable: true }),
    content_id: filter.relation('se.content_id', { nullable: true }),
    event_type: filter.enum('se.event_type', SYNC_EVENT_TYPES),
    status: filter.enum('se.status', SYNC_EVENT_STATUSES),
  },
  ordering: { fields: { created_at: 'se.created_at' }, default: '-created_at' },
});

export function presentSyncEvent(row: SyncEvent): SyncEventDto {
  const { site: _site, integration: _integration, ...columns } = row;
  return { ...columns, created_at: row.created_at.toISOString() };
}

/** `integration/sync-events/`: the read-only log of exchanges with remote platforms. */
@Injectable()
export class SyncEventsResource extends ScopedResource<SyncEvent, SyncEventDto> {
  constructor(deps: ResourceDeps) {
    super(deps, {
      entity: SyncEvent,
      table: 'igny8_sync_events',
      alias: 'se',
      list: SYNC_EVENTS_LIST,
      present: (rows) => rows.map(presentSyncEvent),
    });
  }
}
