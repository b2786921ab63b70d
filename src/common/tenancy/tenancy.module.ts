import { type DynamicModule, Module } from '@nestjs/common';
import { ListService } from '../list/list.service.js';
import { RowLevelSecurity } from './row-level-security.js';
import { ResourceDeps } from './scoped-resource.js';
import { ScopedRepositories } from './scoped-repository.js';
import type { SoftDeleteRule } from './soft-delete.js';
import { SOFT_DELETE_RULES, SoftDeleteService } from './soft-delete.service.js';
import { TenantSubscriber } from './tenant.subscriber.js';

/** Tenancy layers (scoped reads, the write subscriber, row-level security), soft delete and the list machinery, for every module. */
@Module({})
export class TenancyModule {
  /** `softDeletes`: every soft-delete cascade and hook of the application, declared in one place. */
  static forRoot(softDeletes: readonly SoftDeleteRule[]): DynamicModule {
    return {
      module: TenancyModule,
      global: true,
      providers: [
        { provide: SOFT_DELETE_RULES, useValue: softDeletes },
        ListService,
        ScopedRepositories,
        SoftDeleteService,
        TenantSubscriber,
        RowLevelSecurity,
        ResourceDeps,
      ],
      exports: [ListService, ScopedRepositories, SoftDeleteService, ResourceDeps],
    };
  }
}
