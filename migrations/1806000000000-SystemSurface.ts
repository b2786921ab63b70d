import type { MigrationInterface, QueryRunner } from 'typeorm';

// The system surface: key/value settings (system, account, user), author profiles (account and
// global), email templates, notifications and notification preferences. Tables with an
// `account_id` get the tenant row-level-security policy of RowLevelSecurity1800000400000.
// Three global author profiles are seeded; email templates are seeded from the built-in ones at
// start-up (src/common/mail/template-store.ts), so every template the code sends has a row.

const TENANT_TABLES = [
  'igny8_author_profiles',
  'igny8_account_settings',
  'igny8_user_settings',
  'igny8_notifications',
  'igny8_notification_preferences',
];

const TENANT_ROW = `(SELECT current_setting('app.bypass_rls', true)) = 'on'
  OR account_id = (SELECT nullif(current_setting('app.account_id', true), '')::bigint)`;

const GLOBAL_AUTHOR_PROFILES = [
  {
    name: 'Friendly expert',
    description: 'Warm, knowledgeable and practical.',
    tone: 'friendly',
    writing_style: 'Short paragraphs, concrete examples, second person.',
    target_audience: 'Curious beginners',
  },
  {
    name: 'Professional analyst',
    description: 'Precise, neutral and evidence-based.',
    tone: 'professional',
    writing_style: 'Structured sections, data and comparisons, no hype.',
    target_audience: 'Decision makers',
  },
  {
    name: 'Conversational storyteller',
    description: 'Relaxed and engaging, opens with a story.',
    tone: 'conversational',
    writing_style: 'Anecdotes, questions to the reader, vivid language.',
    target_audience: 'General readers',
  },
];

export class SystemSurface1806000000000 implements MigrationInterface {
  name = 'SystemSurface1806000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "igny8_author_profiles" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "created_by" bigint, "name" character varying(255) NOT NULL, "description" text NOT NULL DEFAULT '', "tone" character varying(100) NOT NULL DEFAULT '', "writing_style" text NOT NULL DEFAULT '', "target_audience" text NOT NULL DEFAULT '', "language" character varying(10) NOT NULL DEFAULT 'en', "is_default" boolean NOT NULL DEFAULT false, "is_active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_33f3d86c22c5fb20e805bb4982a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_30a9a63869e8f95cc6363df010" ON "igny8_author_profiles"  ("account_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_f0346e76f1db60339232468a89" ON "igny8_author_profiles"  ("created_by") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_author_profiles_account_default_uniq" ON "igny8_author_profiles"  ("account_id") WHERE "is_default"`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_author_profiles_account_name_uniq" ON "igny8_author_profiles"  ("account_id", "name") `,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_global_author_profiles" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" character varying(255) NOT NULL, "description" text NOT NULL DEFAULT '', "tone" character varying(100) NOT NULL DEFAULT '', "writing_style" text NOT NULL DEFAULT '', "target_audience" text NOT NULL DEFAULT '', "language" character varying(10) NOT NULL DEFAULT 'en', "is_active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_68fa8c69838d4927c95da65fddb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_global_author_profiles_name_uniq" ON "igny8_global_author_profiles"  ("name") `,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_email_templates" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "template_key" character varying(100) NOT NULL, "subject" character varying(255) NOT NULL, "html_body" text NOT NULL, "text_body" text NOT NULL DEFAULT '', "variables" jsonb NOT NULL DEFAULT '[]', "is_active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_6c2591f1e44d89453087a676b4b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_email_templates_template_key_uniq" ON "igny8_email_templates"  ("template_key") `,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_notifications" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "created_by" bigint, "user_id" bigint, "site_id" bigint, "notification_type" character varying(32) NOT NULL, "title" character varying(200) NOT NULL, "message" text NOT NULL, "severity" character varying(16) NOT NULL DEFAULT 'info', "action_url" character varying(500), "action_label" character varying(100), "is_read" boolean NOT NULL DEFAULT false, "read_at" TIMESTAMP WITH TIME ZONE, "metadata" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "igny8_notifications_severity_check" CHECK ("severity" IN ('info', 'success', 'warning', 'error')), CONSTRAINT "igny8_notifications_type_check" CHECK ("notification_type" IN ('ai_task_completed', 'ai_task_failed', 'automation_completed', 'automation_failed', 'content_published', 'publish_failed', 'credits_low', 'payment_succeeded', 'payment_failed', 'invoice_due', 'integration_error', 'system')), CONSTRAINT "PK_998a8269481c50d0da454ace860" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_2cbae46969158f3a60f72bc26c" ON "igny8_notifications"  ("account_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_63e75d82b86b665e7de9a60369" ON "igny8_notifications"  ("created_by") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_notifications_user_id_idx" ON "igny8_notifications"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_notifications_site_id_idx" ON "igny8_notifications"  ("site_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_notifications_account_created_idx" ON "igny8_notifications"  ("account_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_notification_preferences" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "created_by" bigint, "user_id" bigint, "notification_type" character varying(32) NOT NULL, "in_app" boolean NOT NULL DEFAULT true, "email" boolean NOT NULL DEFAULT false, CONSTRAINT "igny8_notification_preferences_type_check" CHECK ("notification_type" IN ('ai_task_completed', 'ai_task_failed', 'automation_completed', 'automation_failed', 'content_published', 'publish_failed', 'credits_low', 'payment_succeeded', 'payment_failed', 'invoice_due', 'integration_error', 'system')), CONSTRAINT "PK_325dd4ab2c703926f6bedbcd5ca" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_6a866baf19378a3cff34c8131f" ON "igny8_notification_preferences"  ("account_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_98850d8ea8acbe6f82c6ea28d2" ON "igny8_notification_preferences"  ("created_by") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_notification_preferences_user_id_idx" ON "igny8_notification_preferences"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_notification_preferences_uniq" ON "igny8_notification_preferences"  ("account_id", "user_id", "notification_type") `,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_system_settings" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "key" character varying(100) NOT NULL, "value" jsonb NOT NULL, "description" text NOT NULL DEFAULT '', "updated_by" bigint, CONSTRAINT "PK_876d84c3bc6aba7502442a47682" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_system_settings_key_uniq" ON "igny8_system_settings"  ("key") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_system_settings_updated_by_idx" ON "igny8_system_settings"  ("updated_by") `,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_account_settings" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "created_by" bigint, "key" character varying(100) NOT NULL, "value" jsonb NOT NULL, CONSTRAINT "PK_d3c7c3a2f53664eb61e12763d56" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_a8f55e0ecc2696c79bdeaa9012" ON "igny8_account_settings"  ("account_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_fa9760703234eeb87315b061f5" ON "igny8_account_settings"  ("created_by") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_account_settings_account_key_uniq" ON "igny8_account_settings"  ("account_id", "key") `,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_user_settings" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "user_id" bigint NOT NULL, "account_id" bigint NOT NULL, "key" character varying(100) NOT NULL, "value" jsonb NOT NULL, CONSTRAINT "PK_bdbcc40154ef6b345c369ed3c25" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_user_settings_account_id_idx" ON "igny8_user_settings"  ("account_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_user_settings_user_key_uniq" ON "igny8_user_settings"  ("user_id", "key") `,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_author_profiles" ADD CONSTRAINT "FK_30a9a63869e8f95cc6363df010a" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_author_profiles" ADD CONSTRAINT "FK_f0346e76f1db60339232468a895" FOREIGN KEY ("created_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notifications" ADD CONSTRAINT "FK_2cbae46969158f3a60f72bc26c8" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notifications" ADD CONSTRAINT "FK_63e75d82b86b665e7de9a603698" FOREIGN KEY ("created_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notifications" ADD CONSTRAINT "FK_52cce20b690a63b882f63a2fd3e" FOREIGN KEY ("user_id") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notifications" ADD CONSTRAINT "FK_d0153e7fe8dd9966cb2dad7647b" FOREIGN KEY ("site_id") REFERENCES "igny8_sites"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notification_preferences" ADD CONSTRAINT "FK_6a866baf19378a3cff34c8131f1" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notification_preferences" ADD CONSTRAINT "FK_98850d8ea8acbe6f82c6ea28d26" FOREIGN KEY ("created_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notification_preferences" ADD CONSTRAINT "FK_08da481ff327bb7d135de417235" FOREIGN KEY ("user_id") REFERENCES "igny8_users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_system_settings" ADD CONSTRAINT "FK_36ec11aa609db067324001b137d" FOREIGN KEY ("updated_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_account_settings" ADD CONSTRAINT "FK_a8f55e0ecc2696c79bdeaa9012c" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_account_settings" ADD CONSTRAINT "FK_fa9760703234eeb87315b061f5b" FOREIGN KEY ("created_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_user_settings" ADD CONSTRAINT "FK_25fc54733bdd13e05bba7cac036" FOREIGN KEY ("user_id") REFERENCES "igny8_users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_user_settings" ADD CONSTRAINT "FK_b7b43d100b38d99bfb03e19296b" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    for (const table of TENANT_TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
      await queryRunner.query(`CREATE POLICY "tenant_isolation" ON "${table}" USING (${TENANT_ROW})`);
    }
    for (const profile of GLOBAL_AUTHOR_PROFILES) {
      await queryRunner.query(
        `INSERT INTO "igny8_global_author_profiles" (name, description, tone, writing_style, target_audience)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING`,
        [profile.name, profile.description, profile.tone, profile.writing_style, profile.target_audience],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) {
      await queryRunner.query(`DROP POLICY "tenant_isolation" ON "${table}"`);
      await queryRunner.query(`ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`);
    }
    await queryRunner.query(
      `ALTER TABLE "igny8_user_settings" DROP CONSTRAINT "FK_b7b43d100b38d99bfb03e19296b"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_user_settings" DROP CONSTRAINT "FK_25fc54733bdd13e05bba7cac036"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_account_settings" DROP CONSTRAINT "FK_fa9760703234eeb87315b061f5b"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_account_settings" DROP CONSTRAINT "FK_a8f55e0ecc2696c79bdeaa9012c"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_system_settings" DROP CONSTRAINT "FK_36ec11aa609db067324001b137d"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notification_preferences" DROP CONSTRAINT "FK_08da481ff327bb7d135de417235"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notification_preferences" DROP CONSTRAINT "FK_98850d8ea8acbe6f82c6ea28d26"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notification_preferences" DROP CONSTRAINT "FK_6a866baf19378a3cff34c8131f1"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notifications" DROP CONSTRAINT "FK_d0153e7fe8dd9966cb2dad7647b"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notifications" DROP CONSTRAINT "FK_52cce20b690a63b882f63a2fd3e"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notifications" DROP CONSTRAINT "FK_63e75d82b86b665e7de9a603698"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_notifications" DROP CONSTRAINT "FK_2cbae46969158f3a60f72bc26c8"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_author_profiles" DROP CONSTRAINT "FK_f0346e76f1db60339232468a895"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_author_profiles" DROP CONSTRAINT "FK_30a9a63869e8f95cc6363df010a"`,
    );
    await queryRunner.query(`DROP INDEX "public"."igny8_user_settings_user_key_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_user_settings_account_id_idx"`);
    await queryRunner.query(`DROP TABLE "igny8_user_settings"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_account_settings_account_key_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_fa9760703234eeb87315b061f5"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a8f55e0ecc2696c79bdeaa9012"`);
    await queryRunner.query(`DROP TABLE "igny8_account_settings"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_system_settings_updated_by_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_system_settings_key_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_system_settings"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_notification_preferences_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_notification_preferences_user_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_98850d8ea8acbe6f82c6ea28d2"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_6a866baf19378a3cff34c8131f"`);
    await queryRunner.query(`DROP TABLE "igny8_notification_preferences"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_notifications_account_created_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_notifications_site_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_notifications_user_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_63e75d82b86b665e7de9a60369"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2cbae46969158f3a60f72bc26c"`);
    await queryRunner.query(`DROP TABLE "igny8_notifications"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_email_templates_template_key_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_email_templates"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_global_author_profiles_name_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_global_author_profiles"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_author_profiles_account_name_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_author_profiles_account_default_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f0346e76f1db60339232468a89"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_30a9a63869e8f95cc6363df010"`);
    await queryRunner.query(`DROP TABLE "igny8_author_profiles"`);
  }
}
