import { AiModel } from '../modules/ai/entities/ai-model.entity.js';
import { AiPrompt, GlobalAiPrompt } from '../modules/ai/entities/ai-prompt.entity.js';
import { AiSettings, SystemAiSettings } from '../modules/ai/entities/ai-settings.entity.js';
import { AiTaskLog } from '../modules/ai/entities/ai-task-log.entity.js';
import {
  GlobalIntegrationSettings,
  IntegrationProvider,
} from '../modules/ai/entities/integration-settings.entity.js';
import { Strategy } from '../modules/ai/entities/strategy.entity.js';
import { IdempotencyKey } from '../common/idempotency/idempotency-key.entity.js';
import { Account } from '../modules/auth/entities/account.entity.js';
import { IndustrySector } from '../modules/auth/entities/industry-sector.entity.js';
import { Industry } from '../modules/auth/entities/industry.entity.js';
import { PasswordResetToken } from '../modules/auth/entities/password-reset-token.entity.js';
import { Plan } from '../modules/auth/entities/plan.entity.js';
import { RefreshToken } from '../modules/auth/entities/refresh-token.entity.js';
import { Sector } from '../modules/auth/entities/sector.entity.js';
import { SeedKeyword } from '../modules/auth/entities/seed-keyword.entity.js';
import { Session } from '../modules/auth/entities/session.entity.js';
import { SiteUserAccess } from '../modules/auth/entities/site-user-access.entity.js';
import { Site } from '../modules/auth/entities/site.entity.js';
import { Subscription } from '../modules/auth/entities/subscription.entity.js';
import { User } from '../modules/auth/entities/user.entity.js';
import {
  AutomationConfig,
  DefaultAutomationConfig,
} from '../modules/automation/entities/automation-config.entity.js';
import {
  BillingConfiguration,
  CreditCostConfig,
} from '../modules/billing/entities/credit-cost-config.entity.js';
import { CreditTransaction } from '../modules/billing/entities/credit-transaction.entity.js';
import { CreditUsageLog } from '../modules/billing/entities/credit-usage-log.entity.js';
import { Cluster } from '../modules/planner/entities/cluster.entity.js';
import { ContentIdeaKeyword } from '../modules/planner/entities/content-idea-keyword.entity.js';
import { ContentIdea } from '../modules/planner/entities/content-idea.entity.js';
import { Keyword } from '../modules/planner/entities/keyword.entity.js';
import { PublishingSettings } from '../modules/publisher/entities/publishing-settings.entity.js';
import { EmailLog } from '../modules/system/entities/email-log.entity.js';
import { EmailOutbox } from '../modules/system/entities/email-outbox.entity.js';
import { ContentTaxonomyRelation } from '../modules/writer/entities/content-taxonomy-relation.entity.js';
import { ContentTaxonomy } from '../modules/writer/entities/content-taxonomy.entity.js';
import { Content } from '../modules/writer/entities/content.entity.js';
import { Image } from '../modules/writer/entities/image.entity.js';
import { Task } from '../modules/writer/entities/task.entity.js';

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
  // publishing (docs/domain-model.md#publishing-settings)
  PublishingSettings,
  // billing (docs/domain-model.md#credits)
  CreditTransaction,
  CreditUsageLog,
  CreditCostConfig,
  BillingConfiguration,
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
  // system
  EmailLog,
  EmailOutbox,
  IdempotencyKey,
];
