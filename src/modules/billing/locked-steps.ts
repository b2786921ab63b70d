import type { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, EntityTarget } from 'typeorm';
import { tenantQuery } from '../../common/tenancy/tenant-sql.js';

/** One row's step of a billing job: answers whether it changed something. */
export type LockedStep<T> = (tx: EntityManager, row: T) => Promise<boolean>;

/** The tenant rows a billing job walks through: an entity under an alias, named in logs as `label`. */
export interface LockedRows<T> {
  entity: EntityTarget<T>;
  alias: string;
  label: string;
}

/**
 * How the billing jobs (docs/billing.md#renewals) handle their rows: finds the rows of `rows` matching
 * `where`, then runs `step` for each in a transaction of its own with the row locked and `where`
 * checked again; answers how many steps changed something. A failing row does not stop the others;
 * the job then fails so that it is retried (each step is guarded by the state it leaves behind).
 */
export async function eachLocked<T extends { id: number }>(
  dataSource: DataSource,
  logger: Logger,
  rows: LockedRows<T>,
  where: string,
  params: Record<string, unknown>,
  step: LockedStep<T>,
): Promise<number> {
  const { entity, alias, label } = rows;
  const candidates = await tenantQuery(dataSource.manager, entity, alias)
    .select(`${alias}.id`)
    .andWhere(where, params)
    .orderBy(`${alias}.id`)
    .getMany();
  let changed = 0;
  const failures: string[] = [];
  for (const { id } of candidates) {
    try {
      const done = await dataSource.transaction(async (tx) => {
        const row = await tenantQuery(tx, entity, alias)
          .andWhere(where, params)
          .andWhere(`${alias}.id = :locked_id`, { locked_id: id })
          .setLock('pessimistic_write')
          .getOne();
        return row ? step(tx, row) : false;
      });
      if (done) changed += 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ [`${label}Id`]: id, error: message }, `Billing job step failed for a ${label}`);
      failures.push(`${id}: ${message}`);
    }
  }
  if (failures.length > 0) throw new Error(`Billing job steps failed for ${label}s ${failures.join('; ')}`);
  return changed;
}
