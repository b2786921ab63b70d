import type { EntityManager } from 'typeorm';
import type { Content } from '../writer/entities/content.entity.js';
import type { RemoteStatusOutcome } from '../writer/remote-status.js';

/**
 * Port: the publishing records kept in step with a remote status change (a post that became public
 * gets a `published` record, a post that stopped being public retracts the latest one). The publisher
 * owns the records and answers it; the application module binds it.
 */
export abstract class RemotePostRecords {
  abstract record(manager: EntityManager, content: Content, outcome: RemoteStatusOutcome): Promise<void>;
}
