import type { MigrationInterface, QueryRunner } from 'typeorm';

// The account foreign key is added by the identity migration, which creates igny8_accounts.

export class Foundation1795682095479 implements MigrationInterface {
  name = 'Foundation1795682095479';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "igny8_idempotency_keys" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "key" character varying(255) NOT NULL, "request_hash" character(64) NOT NULL, "response_status" integer, "response_body" jsonb, "task_id" uuid, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_19a1f53e7df7d0e0e749eeab46e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_idempotency_keys_account_id_idx" ON "igny8_idempotency_keys"  ("account_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_idempotency_keys_expires_at_idx" ON "igny8_idempotency_keys"  ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_idempotency_keys_account_key_uniq" ON "igny8_idempotency_keys"  ("account_id", "key") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."igny8_idempotency_keys_account_key_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_idempotency_keys_expires_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_idempotency_keys_account_id_idx"`);
    await queryRunner.query(`DROP TABLE "igny8_idempotency_keys"`);
  }
}
