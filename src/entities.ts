import { AiModel } from './modules/ai/entities/ai-model.entity.js';
import { AiPrompt, GlobalAiPrompt } from './modules/ai/entities/ai-prompt.entity.js';
import { AiSettings, SystemAiSettings } from './modules/ai/entities/ai-settings.entity.js';
import { AutomationRunEvent } from './modules/automation/entities/automation-run-event.entity.js';
import { AutomationRun } from './modules/automation/entities/automation-run.entity.js';
import { AiTaskLog } from './modules/ai/entities/ai-task-log.entity.js';
import {
  GlobalIntegrationSettings,
  IntegrationProvider,
} from './modules/ai/entities/integration-settings.entity.js';
import { Strategy } from './modules/ai/entities/strategy.entity.js';
import { AuthorProfile, GlobalAuthorProfile } from './modules/ai/entities/author-profile.entity.js';
import { EmailTemplate } from './common/mail/email-template.entity.js';
import {
  Notification,
  NotificationPreference,
} from './modules/notifications/entities/notification.entity.js';
import {
  AccountSetting,
  SystemSetting,
  UserSetting,
} from './modules/settings/entities/key-value-settings.entity.js';
import { IdempotencyKey } from './common/idempotency/idempotency-key.entity.js';
import { Account } from './modules/identity/entities/account.entity.js';
import { IndustrySector } from './modules/catalogue/entities/industry-sector.entity.js';
import { Industry } from './modules/catalogue/entities/industry.entity.js';
import { PasswordResetToken } from './modules/identity/entities/password-reset-token.entity.js';
import { Plan } from './modules/catalogue/entities/plan.entity.js';
import { RefreshToken } from './modules/identity/entities/refresh-token.entity.js';
import { Sector } from './modules/identity/entities/sector.entity.js';
import { SeedKeyword } from './modules/catalogue/entities/seed-keyword.entity.js';
import { Session } from './modules/identity/entities/session.entity.js';
import { SiteUserAccess } from './modules/identity/entities/site-user-access.entity.js';
import { Site } from './modules/identity/entities/site.entity.js';
import { Subscription } from './modules/identity/entities/subscription.entity.js';
import { User } from './modules/identity/entities/user.entity.js';
import {
  AutomationConfig,
  DefaultAutomationConfig,
} from './modules/automation-config/entities/automation-config.entity.js';
import {
  BillingConfiguration,
  CreditCostConfig,
} from './modules/billing/entities/credit-cost-config.entity.js';
import { CreditTransaction } from './modules/billing/entities/credit-transaction.entity.js';
import { CreditUsageLog } from './modules/billing/entities/credit-usage-log.entity.js';
import { AccountPaymentMethod } from './modules/billing/entities/account-payment-method.entity.js';
import { CreditPackage } from './modules/billing/entities/credit-package.entity.js';
import { Invoice } from './modules/billing/entities/invoice.entity.js';
import { PaymentMethodConfig } from './modules/billing/entities/payment-method-config.entity.js';
import { Payment } from './modules/billing/entities/payment.entity.js';
import { WebhookEvent } from './modules/billing/entities/webhook-event.entity.js';
import { Cluster } from './modules/planner/entities/cluster.entity.js';
import { ContentIdeaKeyword } from './modules/planner/entities/content-idea-keyword.entity.js';
import { ContentIdea } from './modules/planner/entities/content-idea.entity.js';
import { Keyword } from './modules/planner/entities/keyword.entity.js';
import { PluginDownload, PluginInstallation } from './modules/plugins/entities/plugin-installation.entity.js';
import { Plugin, PluginVersion } from './modules/plugins/entities/plugin.entity.js';
import { PublishingSettings } from './modules/publishing-settings/entities/publishing-settings.entity.js';
import { EmailLog } from './common/mail/email-log.entity.js';
import { EmailOutbox } from './common/mail/email-outbox.entity.js';
import { ContentTaxonomyRelation } from './modules/writer/entities/content-taxonomy-relation.entity.js';
import { ContentTaxonomy } from './modules/writer/entities/content-taxonomy.entity.js';
import { Content } from './modules/writer/entities/content.entity.js';
import { Image } from './modules/writer/entities/image.entity.js';
import { Task } from './modules/writer/entities/task.entity.js';
import { OptimizationTask } from './modules/optimizer/entities/optimization-task.entity.js';
import { ModuleEnableSettings } from './modules/module-settings/entities/module-enable-settings.entity.js';
import { SiteIntegration } from './modules/integration/entities/site-integration.entity.js';
import { SyncEvent } from './modules/integration/entities/sync-event.entity.js';
import { DeploymentRecord } from './modules/publisher/entities/deployment-record.entity.js';
import { PublishingRecord } from './modules/publisher/entities/publishing-record.entity.js';

/** Every TypeORM entity of the app: the data source, the CLI and the drift check all use this list. */
export const ENTITIES = [
  // identity & tenancy (docs/domain-model.md#identity)
  Plan,
  Account,
  User,
  RefreshToken,
  PasswordResetToken,
  Subscription,
  Industry,
  IndustrySector,
  SeedKeyword,
  Site,
  Sector,
  SiteUserAccess,
  Session,
  // planner (docs/domain-model.md#planner)
  Keyword,
  Cluster,
  ContentIdea,
  ContentIdeaKeyword,
  // writer (docs/domain-model.md#writer)
  Task,
  Content,
  ContentTaxonomy,
  ContentTaxonomyRelation,
  Image,
  // automation (docs/domain-model.md#automation-settings)
  AutomationConfig,
  DefaultAutomationConfig,
  AutomationRun,
  AutomationRunEvent,
  // publishing (docs/domain-model.md#publishing-settings)
  PublishingSettings,
  PublishingRecord,
  DeploymentRecord,
  // integration (docs/publishing.md)
  SiteIntegration,
  SyncEvent,
  // billing (docs/domain-model.md#credits)
  CreditTransaction,
  CreditUsageLog,
  CreditCostConfig,
  BillingConfiguration,
  Invoice,
  Payment,
  CreditPackage,
  AccountPaymentMethod,
  PaymentMethodConfig,
  WebhookEvent,
  // system & AI (docs/domain-model.md#ai-configuration)
  AiModel,
  AiPrompt,
  GlobalAiPrompt,
  Strategy,
  SystemAiSettings,
  AiSettings,
  AiTaskLog,
  GlobalIntegrationSettings,
  IntegrationProvider,
  // module flags (docs/module-settings.md)
  ModuleEnableSettings,
  // optimizer (docs/optimizer.md)
  OptimizationTask,
  AuthorProfile,
  GlobalAuthorProfile,
  // key/value settings (docs/system.md)
  SystemSetting,
  AccountSetting,
  UserSetting,
  // notifications (docs/system.md)
  Notification,
  NotificationPreference,
  // system
  EmailLog,
  EmailOutbox,
  EmailTemplate,
  IdempotencyKey,
  // plugin distribution (docs/wordpress-plugin.md)
  Plugin,
  PluginVersion,
  PluginInstallation,
  PluginDownload,
];
