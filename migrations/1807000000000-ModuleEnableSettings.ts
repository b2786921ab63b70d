import type { MigrationInterface, QueryRunner } from 'typeorm';

// Module flags, one row per account (docs/module-settings.md). Every existing account gets the defaults
// (both modules off); the table has row-level security like every table with an `account_id`
// (docs/adr/0009-row-level-security.md).

const TENANT_ROW = `(SELECT current_setting('app.bypass_rls', true)) = 'on'
  OR account_id = (SELECT nullif(current_setting('app.account_id', true), '')::bigint)`;

export class ModuleEnableSettings1807000000000 implements MigrationInterface {
  name = 'ModuleEnableSettings1807000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "igny8_module_enable_settings" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "linker_enabled" boolean NOT NULL DEFAULT false, "optimizer_enabled" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_716ef0896e410d83febb86c9b2d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_module_enable_settings_account_id_uniq" ON "igny8_module_enable_settings" ("account_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_module_enable_settings" ADD CONSTRAINT "FK_41405e37686931614d383a2a51d" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `INSERT INTO "igny8_module_enable_settings" (account_id, linker_enabled, optimizer_enabled)
       SELECT id, false, false FROM "igny8_accounts" ON CONFLICT (account_id) DO NOTHING`,
    );
    await queryRunner.query(`ALTER TABLE "igny8_module_enable_settings" ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(
      `CREATE POLICY "tenant_isolation" ON "igny8_module_enable_settings" USING (${TENANT_ROW})`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY "tenant_isolation" ON "igny8_module_enable_settings"`);
    await queryRunner.query(
      `ALTER TABLE "igny8_module_enable_settings" DROP CONSTRAINT "FK_41405e37686931614d383a2a51d"`,
    );
    await queryRunner.query(`DROP INDEX "public"."igny8_module_enable_settings_account_id_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_module_enable_settings"`);
  }
}
