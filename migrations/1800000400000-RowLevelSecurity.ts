import type { MigrationInterface, QueryRunner } from 'typeorm';

// Row-level security on every table with an `account_id` (docs/adr/0009-row-level-security.md).
// The policies bind the role the app switches to (`igny8_app`, no login) when TENANT_RLS is on;
// the login role owns the tables (or is a superuser) and so is never bound by them. A row is
// visible, and may be written, when the connection's `app.account_id` names its account, or when
// `app.bypass_rls` is `on` (system work). The list is that of the entities with an `account_id`
// column when this was written; test/tenancy/row-level-security checks it still is.

const APP_ROLE = 'igny8_app';

const TENANT_TABLES = [
  'igny8_ai_prompts',
  'igny8_ai_settings',
  'igny8_ai_task_logs',
  'igny8_automation_configs',
  'igny8_clusters',
  'igny8_content',
  'igny8_content_ideas',
  'igny8_content_taxonomy_terms',
  'igny8_credit_transactions',
  'igny8_credit_usage_logs',
  'igny8_email_logs',
  'igny8_email_outbox',
  'igny8_idempotency_keys',
  'igny8_images',
  'igny8_keywords',
  'igny8_publishing_settings',
  'igny8_sectors',
  'igny8_sites',
  'igny8_strategies',
  'igny8_subscriptions',
  'igny8_tasks',
  'igny8_users',
];

// The settings are read once per statement (the sub-selects), not once per row, and the account
// comparison can still use the `account_id` index.
const TENANT_ROW = `(SELECT current_setting('app.bypass_rls', true)) = 'on'
  OR account_id = (SELECT nullif(current_setting('app.account_id', true), '')::bigint)`;

export class RowLevelSecurity1800000400000 implements MigrationInterface {
  name = 'RowLevelSecurity1800000400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Roles belong to the whole server: another database on it may have created this one already.
    await queryRunner.query(`DO $$ BEGIN
      BEGIN
        CREATE ROLE ${APP_ROLE} NOLOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END;
      IF NOT pg_has_role(current_user, '${APP_ROLE}', 'MEMBER') THEN
        GRANT ${APP_ROLE} TO CURRENT_USER;
      END IF;
    END $$`);
    await queryRunner.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`);
    await queryRunner.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}`);
    await queryRunner.query(`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE}`);
    // Tables and sequences of later migrations (run by this same login role).
    await queryRunner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO ${APP_ROLE}`);
    await queryRunner.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO ${APP_ROLE}`,
    );
    for (const table of TENANT_TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
      await queryRunner.query(`CREATE POLICY "tenant_isolation" ON "${table}" USING (${TENANT_ROW})`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) {
      await queryRunner.query(`DROP POLICY "tenant_isolation" ON "${table}"`);
      await queryRunner.query(`ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`);
    }
    await queryRunner.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${APP_ROLE}`,
    );
    await queryRunner.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${APP_ROLE}`,
    );
    await queryRunner.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${APP_ROLE}`);
    await queryRunner.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${APP_ROLE}`);
    await queryRunner.query(`REVOKE USAGE ON SCHEMA public FROM ${APP_ROLE}`);
    // The role stays: other databases on the server may still use it.
  }
}
