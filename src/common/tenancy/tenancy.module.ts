import { Global, Module } from '@nestjs/common';
import { ListService } from '../list/list.service.js';
import { RowLevelSecurity } from './row-level-security.js';
import { ResourceDeps } from './scoped-resource.js';
import { ScopedRepositories } from './scoped-repository.js';
import { SoftDeleteService } from './soft-delete.service.js';
import { TenantSubscriber } from './tenant.subscriber.js';

/**
 * Tenancy layers (scoped reads, the write subscriber, row-level security), soft delete and the list
 * machinery, for every module.
 */
@Global()
@Module({
  providers: [
    ListService,
    ScopedRepositories,
    SoftDeleteService,
    TenantSubscriber,
    RowLevelSecurity,
    ResourceDeps,
  ],
  exports: [ListService, ScopedRepositories, SoftDeleteService, ResourceDeps],
})
export class TenancyModule {}
