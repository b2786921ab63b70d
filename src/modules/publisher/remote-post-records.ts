import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { RemotePostRecords } from '../integration/remote-post-records.js';
import type { Content } from '../writer/entities/content.entity.js';
import type { RemoteStatusOutcome } from '../writer/remote-status.js';
import { PublishingRecord } from './entities/publishing-record.entity.js';

/** The latest publishing record of the content (only `published` ones with `published`). */
function latestRecord(manager: EntityManager, contentId: number, published = false) {
  const query = tenantQuery(manager, PublishingRecord, 'r').andWhere('r.content_id = :content_id', {
    content_id: contentId,
  });
  if (published) query.andWhere('r.status = :status', { status: 'published' });
  return query.orderBy('r.created_at', 'DESC').addOrderBy('r.id', 'DESC').getOne();
}

/** Sets the latest `published` record of the content to `retracted`; returns it (or null). */
export async function retractLatestPublished(
  manager: EntityManager,
  contentId: number,
): Promise<PublishingRecord | null> {
  const published = await latestRecord(manager, contentId, true);
  if (!published) return null;
  Object.assign(published, { status: 'retracted', retracted_at: new Date() });
  return manager.save(PublishingRecord, published);
}

/**
 * A post WordPress reports public: a `published` record (trigger `manual`, `metadata.source =
 * "wordpress"`) unless the latest record already is one.
 */
export async function recordRemotePublish(manager: EntityManager, content: Content): Promise<void> {
  const latest = await latestRecord(manager, content.id);
  if (latest?.status === 'published') return;
  await manager.save(
    manager.create(PublishingRecord, {
      site_id: content.site_id,
      content_id: content.id,
      destination: 'wordpress',
      external_id: content.external_id,
      external_url: content.external_url,
      status: 'published',
      published_at: new Date(),
      trigger: 'manual',
      metadata: { source: 'wordpress' },
    }),
  );
}

/**
 * The publishing records of a status WordPress reported (webhooks, status checks, syncs): a post that
 * became public gets a `published` record, a post that stopped being public has its latest
 * `published` record retracted.
 */
@Injectable()
export class PublisherRemotePostRecords extends RemotePostRecords {
  async record(manager: EntityManager, content: Content, outcome: RemoteStatusOutcome): Promise<void> {
    if (outcome.became_public) await recordRemotePublish(manager, content);
    if (outcome.retracted) await retractLatestPublished(manager, content.id);
  }
}
