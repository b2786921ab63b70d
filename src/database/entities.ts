import { IdempotencyKey } from '../common/idempotency/idempotency-key.entity.js';

/** Every TypeORM entity of the app: the data source, the CLI and the drift check all use this list. */
export const ENTITIES = [IdempotencyKey];
