import type { MigrationInterface, QueryRunner } from 'typeorm';

// Optimisation jobs (docs/optimizer.md), with row-level security like every table with an `account_id`
// (docs/adr/0009-row-level-security.md).

const TENANT_ROW = `(SELECT current_setting('app.bypass_rls', true)) = 'on'
  OR account_id = (SELECT nullif(current_setting('app.account_id', true), '')::bigint)`;

export class OptimizationTasks1807000100000 implements MigrationInterface {
  name = 'OptimizationTasks1807000100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "igny8_optimization_tasks" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "created_by" bigint, "site_id" bigint NOT NULL, "sector_id" bigint NOT NULL, "content_id" bigint NOT NULL, "entry_point" character varying(16) NOT NULL DEFAULT 'igny8', "status" character varying(16) NOT NULL DEFAULT 'pending', "task_id" uuid, "scores_before" jsonb NOT NULL DEFAULT '{}', "scores_after" jsonb NOT NULL DEFAULT '{}', "html_before" text NOT NULL DEFAULT '', "html_after" text NOT NULL DEFAULT '', "credits_used" integer NOT NULL DEFAULT '0', "error_message" text, CONSTRAINT "igny8_optimization_tasks_credits_used_check" CHECK ("credits_used" >= 0), CONSTRAINT "igny8_optimization_tasks_status_check" CHECK ("status" IN ('pending', 'running', 'completed', 'failed')), CONSTRAINT "igny8_optimization_tasks_entry_point_check" CHECK ("entry_point" IN ('auto', 'igny8', 'wordpress', 'manual')), CONSTRAINT "PK_2331c40919cb21becc2a6bc43bd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_dc129d9184cc9c30d667646547" ON "igny8_optimization_tasks"  ("account_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_9534c0dc87d17825973c8eeec7" ON "igny8_optimization_tasks"  ("created_by") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_f883597362e3a492b2c44eff70" ON "igny8_optimization_tasks"  ("site_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_d46148b9136b96cda049337b1d" ON "igny8_optimization_tasks"  ("sector_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_73d6abba3baca7561485c5b4e8" ON "igny8_optimization_tasks"  ("account_id", "site_id", "sector_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_optimization_tasks_content_id_idx" ON "igny8_optimization_tasks"  ("content_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_optimization_tasks_status_idx" ON "igny8_optimization_tasks"  ("status") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_optimization_tasks_task_id_idx" ON "igny8_optimization_tasks"  ("task_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_optimization_tasks" ADD CONSTRAINT "FK_dc129d9184cc9c30d6676465470" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_optimization_tasks" ADD CONSTRAINT "FK_9534c0dc87d17825973c8eeec79" FOREIGN KEY ("created_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_optimization_tasks" ADD CONSTRAINT "FK_f883597362e3a492b2c44eff706" FOREIGN KEY ("site_id") REFERENCES "igny8_sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_optimization_tasks" ADD CONSTRAINT "FK_d46148b9136b96cda049337b1d4" FOREIGN KEY ("sector_id") REFERENCES "igny8_sectors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_optimization_tasks" ADD CONSTRAINT "FK_1704a44c859a2a656e0e94314cf" FOREIGN KEY ("content_id") REFERENCES "igny8_content"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "igny8_optimization_tasks" ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(
      `CREATE POLICY "tenant_isolation" ON "igny8_optimization_tasks" USING (${TENANT_ROW})`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY "tenant_isolation" ON "igny8_optimization_tasks"`);
    await queryRunner.query(
      `ALTER TABLE "igny8_optimization_tasks" DROP CONSTRAINT "FK_1704a44c859a2a656e0e94314cf"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_optimization_tasks" DROP CONSTRAINT "FK_d46148b9136b96cda049337b1d4"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_optimization_tasks" DROP CONSTRAINT "FK_f883597362e3a492b2c44eff706"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_optimization_tasks" DROP CONSTRAINT "FK_9534c0dc87d17825973c8eeec79"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_optimization_tasks" DROP CONSTRAINT "FK_dc129d9184cc9c30d6676465470"`,
    );
    await queryRunner.query(`DROP INDEX "public"."igny8_optimization_tasks_task_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_optimization_tasks_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_optimization_tasks_content_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_73d6abba3baca7561485c5b4e8"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_d46148b9136b96cda049337b1d"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f883597362e3a492b2c44eff70"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9534c0dc87d17825973c8eeec7"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_dc129d9184cc9c30d667646547"`);
    await queryRunner.query(`DROP TABLE "igny8_optimization_tasks"`);
  }
}
