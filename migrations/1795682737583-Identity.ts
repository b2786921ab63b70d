import type { MigrationInterface, QueryRunner } from 'typeorm';

// Schema of identity & tenancy, the credit ledger, the email log and the
// development mail outbox; adds the account foreign key of igny8_idempotency_keys (Foundation).
// Expression and descending indexes are written by hand (their entities declare them with
// `synchronize: false`, so the schema diff leaves them alone).

export class Identity1795682737583 implements MigrationInterface {
  name = 'Identity1795682737583';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "igny8_accounts" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by" bigint, "deleted_cascade_id" uuid, "name" character varying(255) NOT NULL, "slug" character varying(255) NOT NULL, "owner_id" bigint, "plan_id" bigint NOT NULL, "credits" integer NOT NULL DEFAULT '0', "bonus_credits" integer NOT NULL DEFAULT '0', "held_credits" integer NOT NULL DEFAULT '0', "status" character varying(32) NOT NULL DEFAULT 'trial', "is_active" boolean NOT NULL DEFAULT true, "is_system" boolean NOT NULL DEFAULT false, "account_timezone" character varying(64) NOT NULL DEFAULT 'UTC', "billing_email" character varying(254), "billing_address_line1" character varying(255) NOT NULL DEFAULT '', "billing_address_line2" character varying(255) NOT NULL DEFAULT '', "billing_city" character varying(100) NOT NULL DEFAULT '', "billing_state" character varying(100) NOT NULL DEFAULT '', "billing_postal_code" character varying(20) NOT NULL DEFAULT '', "billing_country" character(2), "tax_id" character varying(50) NOT NULL DEFAULT '', "stripe_customer_id" character varying(255), "paypal_customer_id" character varying(255), "usage_ahrefs_queries" integer NOT NULL DEFAULT '0', "usage_period_start" TIMESTAMP WITH TIME ZONE, CONSTRAINT "igny8_accounts_usage_ahrefs_queries_check" CHECK ("usage_ahrefs_queries" >= 0), CONSTRAINT "igny8_accounts_held_credits_check" CHECK ("held_credits" >= 0), CONSTRAINT "igny8_accounts_bonus_credits_check" CHECK ("bonus_credits" >= 0), CONSTRAINT "igny8_accounts_credits_check" CHECK ("credits" >= 0), CONSTRAINT "igny8_accounts_status_check" CHECK ("status" IN ('active', 'suspended', 'trial', 'cancelled', 'pending_payment')), CONSTRAINT "PK_614c2bfc947e5aee2a679751aaf" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ba31cf40caaab31b5e9be4a807" ON "igny8_accounts" ("deleted_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_63bee2bba3cc4f3694ed40656f" ON "igny8_accounts" ("deleted_by")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_768e5731540e0a9c360e977433" ON "igny8_accounts" ("deleted_cascade_id")`,
    );
    await queryRunner.query(`CREATE INDEX "igny8_accounts_owner_id_idx" ON "igny8_accounts" ("owner_id")`);
    await queryRunner.query(`CREATE INDEX "igny8_accounts_plan_id_idx" ON "igny8_accounts" ("plan_id")`);
    await queryRunner.query(`CREATE INDEX "igny8_accounts_status_idx" ON "igny8_accounts" ("status")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_accounts_slug_uniq" ON "igny8_accounts" ("slug") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_industry_sectors" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "industry_id" bigint NOT NULL, "name" character varying(255) NOT NULL, "slug" character varying(255) NOT NULL, "description" text NOT NULL DEFAULT '', "is_active" boolean NOT NULL DEFAULT true, "sort_order" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_ff57db09440b7fec68e0d22e724" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_industry_sectors_industry_id_name_uniq" ON "igny8_industry_sectors" ("industry_id", "name")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_industry_sectors_industry_id_slug_uniq" ON "igny8_industry_sectors" ("industry_id", "slug")`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_industries" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" character varying(255) NOT NULL, "slug" character varying(255) NOT NULL, "description" text NOT NULL DEFAULT '', "is_active" boolean NOT NULL DEFAULT true, "sort_order" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_c4349cc94850920c1292595a9db" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_industries_name_uniq" ON "igny8_industries" ("name")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_industries_slug_uniq" ON "igny8_industries" ("slug")`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_password_reset_tokens" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "user_id" bigint NOT NULL, "token_hash" character(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "requested_ip" character varying(45), CONSTRAINT "PK_5f8c08ba01d69153b24f13cd453" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_password_reset_tokens_user_id_idx" ON "igny8_password_reset_tokens" ("user_id")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_password_reset_tokens_token_hash_uniq" ON "igny8_password_reset_tokens" ("token_hash")`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_plans" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" character varying(100) NOT NULL, "slug" character varying(50) NOT NULL, "description" text NOT NULL DEFAULT '', "price" numeric(10,2) NOT NULL DEFAULT 0.00, "currency" character(3) NOT NULL DEFAULT 'USD', "billing_cycle" character varying(32) NOT NULL DEFAULT 'monthly', "included_credits" integer NOT NULL DEFAULT '0', "max_sites" integer, "max_users" integer, "max_keywords" integer, "max_ahrefs_queries" integer DEFAULT '50', "allow_credit_topup" boolean NOT NULL DEFAULT true, "extra_credit_price" numeric(10,4), "auto_topup_threshold" integer, "auto_topup_amount" integer, "stripe_product_id" character varying(255), "stripe_price_id" character varying(255), "paypal_plan_id" character varying(255), "features" jsonb NOT NULL DEFAULT '{}', "is_active" boolean NOT NULL DEFAULT true, "is_internal" boolean NOT NULL DEFAULT false, "sort_order" integer NOT NULL DEFAULT '0', CONSTRAINT "igny8_plans_max_ahrefs_queries_check" CHECK ("max_ahrefs_queries" >= 0), CONSTRAINT "igny8_plans_max_keywords_check" CHECK ("max_keywords" >= 0), CONSTRAINT "igny8_plans_max_users_check" CHECK ("max_users" >= 1), CONSTRAINT "igny8_plans_max_sites_check" CHECK ("max_sites" >= 1), CONSTRAINT "igny8_plans_included_credits_check" CHECK ("included_credits" >= 0), CONSTRAINT "igny8_plans_price_check" CHECK ("price" >= 0), CONSTRAINT "igny8_plans_billing_cycle_check" CHECK ("billing_cycle" IN ('monthly', 'annual')), CONSTRAINT "PK_4ebdc7bb042c7e1723cc7741bc8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "igny8_plans_slug_uniq" ON "igny8_plans" ("slug")`);
    await queryRunner.query(
      `CREATE TABLE "igny8_refresh_tokens" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "user_id" bigint NOT NULL, "jti" uuid NOT NULL, "family_id" uuid NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(32), "ip_address" character varying(45), "user_agent" character varying(500) NOT NULL DEFAULT '', CONSTRAINT "igny8_refresh_tokens_revoked_reason_check" CHECK ("revoked_reason" IN ('logout', 'reuse_detected', 'password_change', 'password_reset', 'user_deleted', 'account_deleted', 'admin')), CONSTRAINT "PK_c1abae499d14160f0ae4964c0c2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_refresh_tokens_jti_uniq" ON "igny8_refresh_tokens" ("jti")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_refresh_tokens_family_id_idx" ON "igny8_refresh_tokens" ("family_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_refresh_tokens_user_id_revoked_at_idx" ON "igny8_refresh_tokens" ("user_id", "revoked_at")`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_sectors" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "created_by" bigint, "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by" bigint, "deleted_cascade_id" uuid, "site_id" bigint NOT NULL, "industry_sector_id" bigint NOT NULL, "name" character varying(255) NOT NULL, "slug" character varying(255) NOT NULL, "description" text NOT NULL DEFAULT '', "is_active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_492b30b3053d1200b1ee977b3b1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_cc357ba05e28bfb9561954f07b" ON "igny8_sectors" ("account_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_0ea887d5fe8b920b8977513bf4" ON "igny8_sectors" ("created_by")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_be66533d5cd55de27bab100f6a" ON "igny8_sectors" ("deleted_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_877c73c683710ad4cfe51e3c38" ON "igny8_sectors" ("deleted_by")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_504ca13213bc063876dee43ed5" ON "igny8_sectors" ("deleted_cascade_id")`,
    );
    await queryRunner.query(`CREATE INDEX "igny8_sectors_site_id_idx" ON "igny8_sectors" ("site_id")`);
    await queryRunner.query(
      `CREATE INDEX "igny8_sectors_industry_sector_id_idx" ON "igny8_sectors" ("industry_sector_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_sectors_account_id_site_id_idx" ON "igny8_sectors" ("account_id", "site_id")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_sectors_site_id_slug_uniq" ON "igny8_sectors" ("site_id", "slug") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_sectors_site_id_industry_sector_id_uniq" ON "igny8_sectors" ("site_id", "industry_sector_id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_seed_keywords" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "keyword" character varying(255) NOT NULL, "industry_id" bigint NOT NULL, "sector_id" bigint NOT NULL, "volume" integer NOT NULL DEFAULT '0', "difficulty" smallint NOT NULL DEFAULT '0', "intent" character varying(32) NOT NULL DEFAULT 'informational', "country" character(2) NOT NULL DEFAULT 'US', "is_active" boolean NOT NULL DEFAULT true, CONSTRAINT "igny8_seed_keywords_country_check" CHECK ("country" ~ '^[A-Z]{2}$'), CONSTRAINT "igny8_seed_keywords_intent_check" CHECK ("intent" IN ('informational', 'commercial', 'transactional', 'navigational')), CONSTRAINT "igny8_seed_keywords_difficulty_check" CHECK ("difficulty" BETWEEN 0 AND 100), CONSTRAINT "igny8_seed_keywords_volume_check" CHECK ("volume" >= 0), CONSTRAINT "PK_8dfa1da2e8675a2b0f4db617ac8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_seed_keywords_sector_id_idx" ON "igny8_seed_keywords" ("sector_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_seed_keywords_volume_idx" ON "igny8_seed_keywords" ("volume")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_seed_keywords_industry_id_sector_id_idx" ON "igny8_seed_keywords" ("industry_id", "sector_id")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_seed_keywords_keyword_uniq" ON "igny8_seed_keywords" (lower("keyword"), "sector_id", "country")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_seed_keywords_keyword_lower_idx" ON "igny8_seed_keywords" (lower("keyword"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_sessions" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "session_hash" character(64) NOT NULL, "user_id" bigint NOT NULL, "family_id" uuid NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ip_address" character varying(45), "user_agent" character varying(500) NOT NULL DEFAULT '', CONSTRAINT "PK_4145edc43100826acf4dc5c0d1a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_sessions_session_hash_uniq" ON "igny8_sessions" ("session_hash")`,
    );
    await queryRunner.query(`CREATE INDEX "igny8_sessions_user_id_idx" ON "igny8_sessions" ("user_id")`);
    await queryRunner.query(`CREATE INDEX "igny8_sessions_family_id_idx" ON "igny8_sessions" ("family_id")`);
    await queryRunner.query(
      `CREATE INDEX "igny8_sessions_expires_at_idx" ON "igny8_sessions" ("expires_at")`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_site_user_access" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "user_id" bigint NOT NULL, "site_id" bigint NOT NULL, "granted_by" bigint, CONSTRAINT "PK_4ef50ff2576734be5afebad844d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_site_user_access_site_id_idx" ON "igny8_site_user_access" ("site_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_site_user_access_granted_by_idx" ON "igny8_site_user_access" ("granted_by")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_site_user_access_user_id_site_id_uniq" ON "igny8_site_user_access" ("user_id", "site_id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_sites" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "created_by" bigint, "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by" bigint, "deleted_cascade_id" uuid, "name" character varying(255) NOT NULL, "slug" character varying(255) NOT NULL, "domain" character varying(500), "description" text NOT NULL DEFAULT '', "industry_id" bigint, "is_active" boolean NOT NULL DEFAULT true, "site_type" character varying(32) NOT NULL DEFAULT 'blog', "hosting_type" character varying(32) NOT NULL DEFAULT 'wordpress', "platform_type" character varying(32) NOT NULL DEFAULT 'wordpress', "wp_api_key_hash" character(64), "wp_api_key_encrypted" text, "api_key_last4" character(4), "api_key_created_at" TIMESTAMP WITH TIME ZONE, "api_key_last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "igny8_sites_platform_type_check" CHECK ("platform_type" IN ('wordpress', 'shopify', 'custom')), CONSTRAINT "igny8_sites_hosting_type_check" CHECK ("hosting_type" IN ('igny8_sites', 'wordpress', 'shopify', 'multi')), CONSTRAINT "igny8_sites_site_type_check" CHECK ("site_type" IN ('marketing', 'ecommerce', 'blog', 'portfolio', 'corporate')), CONSTRAINT "PK_624b149c3ddce4d23af039c533b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_bc8c18d3d2da86c6da11bdef71" ON "igny8_sites" ("account_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_b6cade89792f48b691f2ad52bc" ON "igny8_sites" ("created_by")`);
    await queryRunner.query(`CREATE INDEX "IDX_45c2c031137884f69b71b3605e" ON "igny8_sites" ("deleted_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_3e88481eead8a03abc963cc7df" ON "igny8_sites" ("deleted_by")`);
    await queryRunner.query(
      `CREATE INDEX "IDX_17c1e476b9ab02588b09f8e311" ON "igny8_sites" ("deleted_cascade_id")`,
    );
    await queryRunner.query(`CREATE INDEX "igny8_sites_industry_id_idx" ON "igny8_sites" ("industry_id")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_sites_wp_api_key_hash_uniq" ON "igny8_sites" ("wp_api_key_hash")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_sites_slug_uniq" ON "igny8_sites" ("slug") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_subscriptions" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "plan_id" bigint NOT NULL, "status" character varying(32) NOT NULL DEFAULT 'pending_payment', "current_period_start" TIMESTAMP WITH TIME ZONE, "current_period_end" TIMESTAMP WITH TIME ZONE, "cancel_at_period_end" boolean NOT NULL DEFAULT false, "payment_provider" character varying(32), "external_subscription_id" character varying(255), CONSTRAINT "igny8_subscriptions_payment_provider_check" CHECK ("payment_provider" IN ('stripe', 'paypal', 'bank_transfer', 'manual')), CONSTRAINT "igny8_subscriptions_status_check" CHECK ("status" IN ('trialing', 'pending_payment', 'active', 'past_due', 'canceled')), CONSTRAINT "PK_23f4e26ff808bfe1069a99ad18e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_subscriptions_account_id_idx" ON "igny8_subscriptions" ("account_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_subscriptions_plan_id_idx" ON "igny8_subscriptions" ("plan_id")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_subscriptions_external_id_uniq" ON "igny8_subscriptions" ("payment_provider", "external_subscription_id") WHERE "external_subscription_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_subscriptions_account_id_live_uniq" ON "igny8_subscriptions" ("account_id") WHERE "status" <> 'canceled'`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_users" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by" bigint, "deleted_cascade_id" uuid, "account_id" bigint NOT NULL, "email" character varying(254) NOT NULL, "username" character varying(150) NOT NULL, "first_name" character varying(150) NOT NULL DEFAULT '', "last_name" character varying(150) NOT NULL DEFAULT '', "password_hash" character varying(255) NOT NULL, "role" character varying(32) NOT NULL DEFAULT 'viewer', "is_active" boolean NOT NULL DEFAULT true, "is_superuser" boolean NOT NULL DEFAULT false, "active_site_id" bigint, "last_login" TIMESTAMP WITH TIME ZONE, "tokens_valid_after" TIMESTAMP WITH TIME ZONE, CONSTRAINT "igny8_users_role_check" CHECK ("role" IN ('developer', 'owner', 'admin', 'editor', 'viewer', 'system_bot')), CONSTRAINT "PK_5f303664d572aa495fd39e49108" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_82c0dd788ec62af904e39817cc" ON "igny8_users" ("deleted_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_bd4a507011afb317c5b9801b82" ON "igny8_users" ("deleted_by")`);
    await queryRunner.query(
      `CREATE INDEX "IDX_cb02f3571c74ab58ff01745c0e" ON "igny8_users" ("deleted_cascade_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_users_active_site_id_idx" ON "igny8_users" ("active_site_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_users_account_id_role_idx" ON "igny8_users" ("account_id", "role")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_users_username_uniq" ON "igny8_users" ("username") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_users_email_uniq" ON "igny8_users" (lower("email")) WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_credit_transactions" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "transaction_type" character varying(32) NOT NULL, "amount" integer NOT NULL, "plan_amount" integer NOT NULL DEFAULT '0', "bonus_amount" integer NOT NULL DEFAULT '0', "balance_after" integer NOT NULL, "plan_balance_after" integer NOT NULL, "bonus_balance_after" integer NOT NULL, "description" character varying(500) NOT NULL DEFAULT '', "reference_id" character varying(255), "metadata" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "igny8_credit_transactions_balances_check" CHECK ("plan_balance_after" >= 0 AND "bonus_balance_after" >= 0 AND "balance_after" = "plan_balance_after" + "bonus_balance_after"), CONSTRAINT "igny8_credit_transactions_amount_split_check" CHECK ("plan_amount" + "bonus_amount" = "amount"), CONSTRAINT "igny8_credit_transactions_transaction_type_check" CHECK ("transaction_type" IN ('purchase', 'subscription', 'refund', 'deduction', 'adjustment')), CONSTRAINT "PK_5088ac5a9448ee6e2d6139f0f51" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_credit_transactions_account_id_reference_id_uniq" ON "igny8_credit_transactions" ("account_id", "reference_id") WHERE "reference_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_credit_transactions_account_id_created_at_idx" ON "igny8_credit_transactions" ("account_id", "created_at" DESC)`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_email_logs" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint, "user_id" bigint, "template_key" character varying(100) NOT NULL, "to_email" character varying(254) NOT NULL, "subject" character varying(255) NOT NULL, "status" character varying(32) NOT NULL DEFAULT 'queued', "provider_message_id" character varying(255), "error_message" text, "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "igny8_email_logs_status_check" CHECK ("status" IN ('queued', 'sent', 'failed')), CONSTRAINT "PK_39baaa6066e5ca72777c62f4649" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_email_logs_account_id_idx" ON "igny8_email_logs" ("account_id")`,
    );
    await queryRunner.query(`CREATE INDEX "igny8_email_logs_user_id_idx" ON "igny8_email_logs" ("user_id")`);
    await queryRunner.query(
      `CREATE TABLE "igny8_email_outbox" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint, "user_id" bigint, "template_key" character varying(100) NOT NULL, "to_email" character varying(254) NOT NULL, "subject" character varying(255) NOT NULL, "html_body_encrypted" text NOT NULL DEFAULT '', "text_body_encrypted" text NOT NULL DEFAULT '', CONSTRAINT "PK_23b6c56854c0ab392528f18dcb1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_email_outbox_account_id_idx" ON "igny8_email_outbox" ("account_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_email_outbox_user_id_idx" ON "igny8_email_outbox" ("user_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_email_outbox_to_email_idx" ON "igny8_email_outbox" ("to_email")`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_idempotency_keys" ADD CONSTRAINT "FK_2f08d495aeb1d2057a5240b7df9" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_accounts" ADD CONSTRAINT "FK_63bee2bba3cc4f3694ed40656f4" FOREIGN KEY ("deleted_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_accounts" ADD CONSTRAINT "FK_dd60fc581e37f1b79cc64b47279" FOREIGN KEY ("owner_id") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_accounts" ADD CONSTRAINT "FK_ec52ccd01c31b276d4db5b91afa" FOREIGN KEY ("plan_id") REFERENCES "igny8_plans"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_industry_sectors" ADD CONSTRAINT "FK_9357d701a5513fb92ead4f87a8d" FOREIGN KEY ("industry_id") REFERENCES "igny8_industries"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_password_reset_tokens" ADD CONSTRAINT "FK_7694d9156043f406ee875e15e7a" FOREIGN KEY ("user_id") REFERENCES "igny8_users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_refresh_tokens" ADD CONSTRAINT "FK_b2a549112dd51dcb13bd01f2679" FOREIGN KEY ("user_id") REFERENCES "igny8_users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_sectors" ADD CONSTRAINT "FK_cc357ba05e28bfb9561954f07b2" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_sectors" ADD CONSTRAINT "FK_0ea887d5fe8b920b8977513bf4e" FOREIGN KEY ("created_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_sectors" ADD CONSTRAINT "FK_877c73c683710ad4cfe51e3c389" FOREIGN KEY ("deleted_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_sectors" ADD CONSTRAINT "FK_88614217f113acafdd292f7cdf6" FOREIGN KEY ("site_id") REFERENCES "igny8_sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_sectors" ADD CONSTRAINT "FK_e653fa8c97ad70120ba17e7fbb2" FOREIGN KEY ("industry_sector_id") REFERENCES "igny8_industry_sectors"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_seed_keywords" ADD CONSTRAINT "FK_006ef927558db4128c69cb641a3" FOREIGN KEY ("industry_id") REFERENCES "igny8_industries"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_seed_keywords" ADD CONSTRAINT "FK_8e356eef501a34e887b96cab1f6" FOREIGN KEY ("sector_id") REFERENCES "igny8_industry_sectors"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_sessions" ADD CONSTRAINT "FK_3da44698948df317bf38a0ac31e" FOREIGN KEY ("user_id") REFERENCES "igny8_users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_site_user_access" ADD CONSTRAINT "FK_873fdb59aafc352608fa96da8c2" FOREIGN KEY ("user_id") REFERENCES "igny8_users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_site_user_access" ADD CONSTRAINT "FK_514f809c40ad20900c295b25eb7" FOREIGN KEY ("site_id") REFERENCES "igny8_sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_site_user_access" ADD CONSTRAINT "FK_eadbf8265fe709456cd8e139df0" FOREIGN KEY ("granted_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_sites" ADD CONSTRAINT "FK_bc8c18d3d2da86c6da11bdef71f" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_sites" ADD CONSTRAINT "FK_b6cade89792f48b691f2ad52bc4" FOREIGN KEY ("created_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_sites" ADD CONSTRAINT "FK_3e88481eead8a03abc963cc7df5" FOREIGN KEY ("deleted_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_sites" ADD CONSTRAINT "FK_704958ceb42ad94825c70886b12" FOREIGN KEY ("industry_id") REFERENCES "igny8_industries"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_subscriptions" ADD CONSTRAINT "FK_0b15eb67b02bf9be146d45919f8" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_subscriptions" ADD CONSTRAINT "FK_b8af5f36dac7586fe5b9eb2616e" FOREIGN KEY ("plan_id") REFERENCES "igny8_plans"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_users" ADD CONSTRAINT "FK_bd4a507011afb317c5b9801b82f" FOREIGN KEY ("deleted_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_users" ADD CONSTRAINT "FK_7f6b394f7699b6060e8479af454" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_users" ADD CONSTRAINT "FK_4f0c923a50186739450939cb2f7" FOREIGN KEY ("active_site_id") REFERENCES "igny8_sites"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_credit_transactions" ADD CONSTRAINT "FK_6e50b6b9574e205a31057871508" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_email_logs" ADD CONSTRAINT "FK_e856b62532400d668e416033dc8" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_email_logs" ADD CONSTRAINT "FK_8c91c24d8d96310b0b73d1906a7" FOREIGN KEY ("user_id") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_email_outbox" ADD CONSTRAINT "FK_75adff5d9c478a535e4889237cb" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_email_outbox" ADD CONSTRAINT "FK_14de0a08f8e42c50dd5996b746e" FOREIGN KEY ("user_id") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "igny8_email_outbox" DROP CONSTRAINT "FK_14de0a08f8e42c50dd5996b746e"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_email_outbox" DROP CONSTRAINT "FK_75adff5d9c478a535e4889237cb"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_email_logs" DROP CONSTRAINT "FK_8c91c24d8d96310b0b73d1906a7"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_email_logs" DROP CONSTRAINT "FK_e856b62532400d668e416033dc8"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_credit_transactions" DROP CONSTRAINT "FK_6e50b6b9574e205a31057871508"`,
    );
    await queryRunner.query(`ALTER TABLE "igny8_users" DROP CONSTRAINT "FK_4f0c923a50186739450939cb2f7"`);
    await queryRunner.query(`ALTER TABLE "igny8_users" DROP CONSTRAINT "FK_7f6b394f7699b6060e8479af454"`);
    await queryRunner.query(`ALTER TABLE "igny8_users" DROP CONSTRAINT "FK_bd4a507011afb317c5b9801b82f"`);
    await queryRunner.query(
      `ALTER TABLE "igny8_subscriptions" DROP CONSTRAINT "FK_b8af5f36dac7586fe5b9eb2616e"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_subscriptions" DROP CONSTRAINT "FK_0b15eb67b02bf9be146d45919f8"`,
    );
    await queryRunner.query(`ALTER TABLE "igny8_sites" DROP CONSTRAINT "FK_704958ceb42ad94825c70886b12"`);
    await queryRunner.query(`ALTER TABLE "igny8_sites" DROP CONSTRAINT "FK_3e88481eead8a03abc963cc7df5"`);
    await queryRunner.query(`ALTER TABLE "igny8_sites" DROP CONSTRAINT "FK_b6cade89792f48b691f2ad52bc4"`);
    await queryRunner.query(`ALTER TABLE "igny8_sites" DROP CONSTRAINT "FK_bc8c18d3d2da86c6da11bdef71f"`);
    await queryRunner.query(
      `ALTER TABLE "igny8_site_user_access" DROP CONSTRAINT "FK_eadbf8265fe709456cd8e139df0"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_site_user_access" DROP CONSTRAINT "FK_514f809c40ad20900c295b25eb7"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_site_user_access" DROP CONSTRAINT "FK_873fdb59aafc352608fa96da8c2"`,
    );
    await queryRunner.query(`ALTER TABLE "igny8_sessions" DROP CONSTRAINT "FK_3da44698948df317bf38a0ac31e"`);
    await queryRunner.query(
      `ALTER TABLE "igny8_seed_keywords" DROP CONSTRAINT "FK_8e356eef501a34e887b96cab1f6"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_seed_keywords" DROP CONSTRAINT "FK_006ef927558db4128c69cb641a3"`,
    );
    await queryRunner.query(`ALTER TABLE "igny8_sectors" DROP CONSTRAINT "FK_e653fa8c97ad70120ba17e7fbb2"`);
    await queryRunner.query(`ALTER TABLE "igny8_sectors" DROP CONSTRAINT "FK_88614217f113acafdd292f7cdf6"`);
    await queryRunner.query(`ALTER TABLE "igny8_sectors" DROP CONSTRAINT "FK_877c73c683710ad4cfe51e3c389"`);
    await queryRunner.query(`ALTER TABLE "igny8_sectors" DROP CONSTRAINT "FK_0ea887d5fe8b920b8977513bf4e"`);
    await queryRunner.query(`ALTER TABLE "igny8_sectors" DROP CONSTRAINT "FK_cc357ba05e28bfb9561954f07b2"`);
    await queryRunner.query(
      `ALTER TABLE "igny8_refresh_tokens" DROP CONSTRAINT "FK_b2a549112dd51dcb13bd01f2679"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_password_reset_tokens" DROP CONSTRAINT "FK_7694d9156043f406ee875e15e7a"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_industry_sectors" DROP CONSTRAINT "FK_9357d701a5513fb92ead4f87a8d"`,
    );
    await queryRunner.query(`ALTER TABLE "igny8_accounts" DROP CONSTRAINT "FK_ec52ccd01c31b276d4db5b91afa"`);
    await queryRunner.query(`ALTER TABLE "igny8_accounts" DROP CONSTRAINT "FK_dd60fc581e37f1b79cc64b47279"`);
    await queryRunner.query(`ALTER TABLE "igny8_accounts" DROP CONSTRAINT "FK_63bee2bba3cc4f3694ed40656f4"`);
    await queryRunner.query(
      `ALTER TABLE "igny8_idempotency_keys" DROP CONSTRAINT "FK_2f08d495aeb1d2057a5240b7df9"`,
    );
    await queryRunner.query(`DROP INDEX "public"."igny8_email_outbox_to_email_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_email_outbox_user_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_email_outbox_account_id_idx"`);
    await queryRunner.query(`DROP TABLE "igny8_email_outbox"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_email_logs_user_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_email_logs_account_id_idx"`);
    await queryRunner.query(`DROP TABLE "igny8_email_logs"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_credit_transactions_account_id_reference_id_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_credit_transactions_account_id_created_at_idx"`);
    await queryRunner.query(`DROP TABLE "igny8_credit_transactions"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_users_username_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_users_account_id_role_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_users_active_site_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cb02f3571c74ab58ff01745c0e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bd4a507011afb317c5b9801b82"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_82c0dd788ec62af904e39817cc"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_users_email_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_users"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_subscriptions_account_id_live_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_subscriptions_external_id_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_subscriptions_plan_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_subscriptions_account_id_idx"`);
    await queryRunner.query(`DROP TABLE "igny8_subscriptions"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sites_slug_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sites_wp_api_key_hash_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sites_industry_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_17c1e476b9ab02588b09f8e311"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_3e88481eead8a03abc963cc7df"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_45c2c031137884f69b71b3605e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_b6cade89792f48b691f2ad52bc"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bc8c18d3d2da86c6da11bdef71"`);
    await queryRunner.query(`DROP TABLE "igny8_sites"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_site_user_access_user_id_site_id_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_site_user_access_granted_by_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_site_user_access_site_id_idx"`);
    await queryRunner.query(`DROP TABLE "igny8_site_user_access"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sessions_expires_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sessions_family_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sessions_user_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sessions_session_hash_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_sessions"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_seed_keywords_industry_id_sector_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_seed_keywords_volume_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_seed_keywords_sector_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_seed_keywords_keyword_lower_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_seed_keywords_keyword_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_seed_keywords"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sectors_site_id_industry_sector_id_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sectors_site_id_slug_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sectors_account_id_site_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sectors_industry_sector_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_sectors_site_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_504ca13213bc063876dee43ed5"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_877c73c683710ad4cfe51e3c38"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_be66533d5cd55de27bab100f6a"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_0ea887d5fe8b920b8977513bf4"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cc357ba05e28bfb9561954f07b"`);
    await queryRunner.query(`DROP TABLE "igny8_sectors"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_refresh_tokens_user_id_revoked_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_refresh_tokens_family_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_refresh_tokens_jti_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_refresh_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_plans_slug_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_plans"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_password_reset_tokens_token_hash_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_password_reset_tokens_user_id_idx"`);
    await queryRunner.query(`DROP TABLE "igny8_password_reset_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_industries_slug_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_industries_name_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_industries"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_industry_sectors_industry_id_slug_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_industry_sectors_industry_id_name_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_industry_sectors"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_accounts_slug_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_accounts_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_accounts_plan_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_accounts_owner_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_768e5731540e0a9c360e977433"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_63bee2bba3cc4f3694ed40656f"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ba31cf40caaab31b5e9be4a807"`);
    await queryRunner.query(`DROP TABLE "igny8_accounts"`);
  }
}
