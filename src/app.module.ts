import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthCoreModule } from './common/auth/auth-core.module.js';
import { requestContextModule } from './common/context/cls.module.js';
import { TenantContext } from './common/context/tenant-context.service.js';
import { TenancyModule } from './common/tenancy/tenancy.module.js';
import { ApiExceptionFilter } from './common/http/exception.filter.js';
import { RouteTable } from './common/http/route-table.js';
import { ApiValidationPipe } from './common/http/validation.pipe.js';
import { JobsModule, type JobsModuleOptions } from './common/jobs/jobs.module.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { MailModule } from './common/mail/mail.module.js';
import { IdempotencyModule } from './common/idempotency/idempotency.module.js';
import { MediaModule } from './common/media/media.module.js';
import { MetricsModule } from './common/metrics/metrics.module.js';
import { RedisModule } from './common/redis/redis.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { SOFT_DELETE_RULES } from './soft-delete-rules.js';
import { ENTITIES } from './entities.js';
import { AccountsModule } from './modules/accounts/accounts.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { BillingModule } from './modules/billing/billing.module.js';
import { CatalogueModule } from './modules/catalogue/catalogue.module.js';
import { AdminModule } from './modules/admin/admin.module.js';
import { AiModule } from './modules/ai/ai.module.js';
import { AutomationModule } from './modules/automation/automation.module.js';
import { IdentityModule } from './modules/identity/identity.module.js';
import { ModuleSettingsModule } from './modules/module-settings/module-settings.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { LinkerModule } from './modules/linker/linker.module.js';
import { OptimizerModule } from './modules/optimizer/optimizer.module.js';
import { PlannerModule } from './modules/planner/planner.module.js';
import { PluginsModule } from './modules/plugins/plugins.module.js';
import { PlannerSectorKeywordCounts } from './modules/planner/sector-keyword-counts.adapter.js';
import { PlannerSiteSeedUsage } from './modules/planner/site-seed-usage.adapter.js';
import { SectorKeywordCounts } from './modules/sites/sector-keyword-counts.js';
import { SiteSeedUsage } from './modules/catalogue/site-seed-usage.js';
import { IntegrationPaymentProviderKeys } from './modules/ai/config/payment-provider-keys.adapter.js';
import { PaymentProviderKeys } from './modules/billing/gateways/payment-provider-keys.js';
import { SiteSettingsModule } from './modules/site-settings/site-settings.module.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { SettingsModule } from './modules/settings/settings.module.js';
import { SitesModule } from './modules/sites/sites.module.js';
import { SystemModule } from './modules/system/system.module.js';
import { UsersModule } from './modules/users/users.module.js';
import { WriterModule } from './modules/writer/writer.module.js';
import { IntegrationModule } from './modules/integration/integration.module.js';
import { PublisherModule } from './modules/publisher/publisher.module.js';
import { RemotePostRecords } from './modules/integration/remote-post-records.js';
import { WordPressWebhooksModule } from './modules/integration/webhooks/wordpress-webhooks.module.js';
import { PublisherRemotePostRecords } from './modules/publisher/remote-post-records.js';

/** Composition only: cross-cutting infrastructure first, then the domain modules. */
@Module({})
export class AppModule {
  static register(config: AppConfig, jobs: JobsModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ConfigModule.register(config),
        requestContextModule(),
        LoggingModule,
        RedisModule,
        DatabaseModule.forRoot(ENTITIES),
        AuthCoreModule,
        // After AuthCoreModule: its global guard starts resource tracking once the caller is known.
        MetricsModule,
        TenancyModule.forRoot(SOFT_DELETE_RULES),
        JobsModule.register(config, jobs),
        MailModule,
        MediaModule,
        IdempotencyModule,
        IdentityModule,
        NotificationsModule,
        BillingModule,
        ModuleSettingsModule,
        AuthModule,
        SitesModule,
        UsersModule,
        AccountsModule,
        CatalogueModule,
        PlannerModule,
        HealthModule,
        SystemModule,
        AdminModule,
        WriterModule,
        AiModule,
        OptimizerModule,
        LinkerModule,
        SiteSettingsModule,
        AutomationModule,
        SettingsModule,
        IntegrationModule,
        PublisherModule,
        PluginsModule,
        WordPressWebhooksModule,
      ],
      providers: [
        TenantContext,
        RouteTable,
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useClass: ApiValidationPipe },
        // Ports a lower module declares and the planner, which owns keywords, answers.
        { provide: SectorKeywordCounts, useClass: PlannerSectorKeywordCounts },
        { provide: SiteSeedUsage, useClass: PlannerSiteSeedUsage },
        // The publisher keeps its records in step with statuses WordPress reports.
        { provide: RemotePostRecords, useClass: PublisherRemotePostRecords },
        // Billing reads the payment providers' credentials from the AI configuration's provider rows.
        { provide: PaymentProviderKeys, useClass: IntegrationPaymentProviderKeys },
      ],
      exports: [
        TenantContext,
        RouteTable,
        SectorKeywordCounts,
        SiteSeedUsage,
        RemotePostRecords,
        PaymentProviderKeys,
      ],
    };
  }
}
