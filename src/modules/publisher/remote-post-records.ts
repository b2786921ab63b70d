import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';
import { RemotePostRecords } from '../integration/remote-post-records.js';
import type { Content } from '../writer/entities/content.entity.js';
import type { RemoteStatusOutcome } from '../writer/remote-status.js';
import { PublishingRecord } from './entities/publishing-record.entity.js';

/**
 * The publishing records of a status WordPress reported: a post that became public gets a
 * `published` record (trigger `manual`, `metadata.source = "wordpress"`) unless the latest record
 * already is one; a post that stopped being public has its latest `published` record retracted.
 */
@Injectable()
export class PublisherRemotePostRecords extends RemotePostRecords {
  async record(manager: EntityManager, content: Content, outcome: RemoteStatusOutcome): Promise<void> {
    if (!outcome.became_public && !outcome.retracted) return;
    const latest = await tenantQuery(manager, PublishingRecord, 'r')
      .andWhere('r.content_id = :content_id', { content_id: content.id })
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .getOne();
    if (outcome.became_public && latest?.status !== 'published') {
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
    if (outcome.retracted) {
      const published = await tenantQuery(manager, PublishingRecord, 'r')
        .andWhere('r.content_id = :content_id AND r.status = :status', {
          content_id: content.id,
          status: 'published',
        })
        .orderBy('r.created_at', 'DESC')
        .addOrderBy('r.id', 'DESC')
        .getOne();
      if (published) {
        published.status = 'retracted';
        published.retracted_at = new Date();
        await manager.save(PublishingRecord, published);
      }
    }
  }
}
