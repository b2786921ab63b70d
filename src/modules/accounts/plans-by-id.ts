import { type DataSource, In } from 'typeorm';
import { Plan } from '../catalogue/entities/plan.entity.js';

/** The plans a page of rows refers to, in one query (batch presenters). */
export async function plansById(
  dataSource: DataSource,
  rows: readonly { plan_id: number }[],
): Promise<Map<number, Plan>> {
  const ids = [...new Set(rows.map((row) => row.plan_id))];
  const plans = ids.length > 0 ? await dataSource.manager.findBy(Plan, { id: In(ids) }) : [];
  return new Map(plans.map((plan) => [plan.id, plan]));
}
