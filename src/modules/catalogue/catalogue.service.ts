import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { ApiError } from '../../common/http/error-codes.js';
import { globalQuery } from '../../common/tenancy/tenant-sql.js';
import { IndustrySector } from './entities/industry-sector.entity.js';
import { Industry } from './entities/industry.entity.js';
import { Plan } from './entities/plan.entity.js';
import { type PlanView, presentPlan } from './presenters.js';

export type IndustrySectorRef = Pick<IndustrySector, 'id' | 'name' | 'slug' | 'description'>;

export type IndustryView = Pick<
  Industry,
  'id' | 'created_at' | 'updated_at' | 'name' | 'slug' | 'description' | 'is_active' | 'sort_order'
> & { sectors: IndustrySectorRef[] };

/** The public reference data: plans and industries with their sectors (global tables). */
@Injectable()
export class CatalogueService {
  constructor(private readonly dataSource: DataSource) {}

  /** Active, non-internal plans by `sort_order`. */
  async plans(): Promise<PlanView[]> {
    const plans = await this.dataSource.manager.find(Plan, {
      where: { is_active: true, is_internal: false },
      order: { sort_order: 'ASC', id: 'ASC' },
    });
    return plans.map(presentPlan);
  }

  /** One public plan; internal and inactive plans are 404. */
  async plan(id: number): Promise<PlanView> {
    const plan = await this.dataSource.manager.findOneBy(Plan, { id, is_active: true, is_internal: false });
    if (!plan) throw ApiError.notFound();
    return presentPlan(plan);
  }

  /** Any plan by id, in `manager`'s transaction (invoices and subscriptions name plans, internal ones too). */
  planById(manager: EntityManager, id: number): Promise<Plan> {
    return globalQuery(manager, Plan, 'plan').where('plan.id = :plan_id', { plan_id: id }).getOneOrFail();
  }

  /** Active industries by `sort_order`, `name`, each with its active sectors (two queries). */
  async industries(): Promise<IndustryView[]> {
    const industries = await this.dataSource.manager.find(Industry, {
      where: { is_active: true },
      order: { sort_order: 'ASC', name: 'ASC', id: 'ASC' },
    });
    return this.withSectors(industries);
  }

  async industry(id: number): Promise<IndustryView> {
    const industry = await this.dataSource.manager.findOneBy(Industry, { id, is_active: true });
    if (!industry) throw ApiError.notFound();
    const [view] = await this.withSectors([industry]);
    return view;
  }

  private async withSectors(industries: Industry[]): Promise<IndustryView[]> {
    if (industries.length === 0) return [];
    const sectors = await this.dataSource.manager.find(IndustrySector, {
      where: { industry_id: In(industries.map((industry) => industry.id)), is_active: true },
      order: { sort_order: 'ASC', name: 'ASC', id: 'ASC' },
    });
    return industries.map((industry) => ({
      id: industry.id,
      created_at: industry.created_at,
      updated_at: industry.updated_at,
      name: industry.name,
      slug: industry.slug,
      description: industry.description,
      is_active: industry.is_active,
      sort_order: industry.sort_order,
      sectors: sectors
        .filter((sector) => Number(sector.industry_id) === Number(industry.id))
        .map(({ id, name, slug, description }) => ({ id, name, slug, description })),
    }));
  }
}
