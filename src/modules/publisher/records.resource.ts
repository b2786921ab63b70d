import { Injectable } from '@nestjs/common';
import { defineList, filter } from '../../common/list/index.js';
import { ResourceDeps, ScopedResource } from '../../common/tenancy/scoped-resource.js';
import type { DeploymentRecordDto, PublishingRecordDto } from './dto/publisher.dto.js';
import {
  DEPLOYMENT_STATUSES,
  DEPLOYMENT_TYPES,
  DeploymentRecord,
} from './entities/deployment-record.entity.js';
import {
  DESTINATIONS,
  PUBLISH_TRIGGERS,
  PUBLISHING_RECORD_STATUSES,
  PublishingRecord,
} from './entities/publishing-record.entity.js';
import { presentRow } from './publisher.service.js';

export const PUBLISHING_RECORDS_LIST = defineList({
  filters: {
    site_id: filter.relation('pr.site_id'),
    content_id: filter.relation('pr.content_id'),
    status: filter.enum('pr.status', PUBLISHING_RECORD_STATUSES),
    destination: filter.enum('pr.destination', DESTINATIONS),
    trigger: filter.enum('pr.trigger', PUBLISH_TRIGGERS),
  },
  ordering: {
    fields: { created_at: 'pr.created_at', published_at: 'pr.published_at' },
    default: '-created_at',
  },
});

export const DEPLOYMENTS_LIST = defineList({
  filters: {
    site_id: filter.relation('d.site_id'),
    status: filter.enum('d.status', DEPLOYMENT_STATUSES),
    deployment_type: filter.enum('d.deployment_type', DEPLOYMENT_TYPES),
  },
  ordering: { fields: { created_at: 'd.created_at' }, default: '-created_at' },
});

/** `publisher/publishing-records/` (alias `publisher/records/`): read-only; the publisher writes them. */
@Injectable()
export class PublishingRecordsResource extends ScopedResource<PublishingRecord, PublishingRecordDto> {
  constructor(deps: ResourceDeps) {
    super(deps, {
      entity: PublishingRecord,
      table: 'igny8_publishing_records',
      alias: 'pr',
      list: PUBLISHING_RECORDS_LIST,
      present: (rows) => rows.map((row) => presentRow(row) as unknown as PublishingRecordDto),
    });
  }
}

/** `publisher/deployments/`: read-only. */
@Injectable()
export class DeploymentsResource extends ScopedResource<DeploymentRecord, DeploymentRecordDto> {
  constructor(deps: ResourceDeps) {
    super(deps, {
      entity: DeploymentRecord,
      table: 'igny8_deployment_records',
      alias: 'd',
      list: DEPLOYMENTS_LIST,
      present: (rows) => rows.map((row) => presentRow(row) as unknown as DeploymentRecordDto),
    });
  }
}
