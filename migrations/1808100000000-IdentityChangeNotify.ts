import type { MigrationInterface, QueryRunner } from 'typeorm';

// Identity change notifications (docs/performance.md#identity-cache): every change to a column the
// access-token check reads — the user (revocation, role, activity, deletion), its account (status,
// activity, deletion, plan) and the plan (activity) — sends `<table>:<id>` on the channel
// `igny8_identity`, so API processes drop what they cached of it. A TRUNCATE sends `<table>:*`.
// PostgreSQL delivers a notification when its transaction commits, and never when it rolls back.

const CHANNEL = 'igny8_identity';

/** Table → the columns of it the identity lookup reads. */
const WATCHED: Record<string, string[]> = {
  igny8_users: [
    'account_id',
    'email',
    'password_hash',
    'role',
    'is_active',
    'is_superuser',
    'tokens_valid_after',
    'token_version',
    'deleted_at',
  ],
  igny8_accounts: ['status', 'is_active', 'is_system', 'plan_id', 'deleted_at'],
  igny8_plans: ['is_active'],
};

const tuple = (row: 'OLD' | 'NEW', columns: string[]) =>
  `(${columns.map((column) => `${row}."${column}"`).join(', ')})`;

export class IdentityChangeNotify1808100000000 implements MigrationInterface {
  name = 'IdentityChangeNotify1808100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION igny8_identity_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${CHANNEL}', TG_TABLE_NAME || ':' || COALESCE(NEW.id, OLD.id)::text);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION igny8_identity_table_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${CHANNEL}', TG_TABLE_NAME || ':*');
        RETURN NULL;
      END $$`);
    for (const [table, columns] of Object.entries(WATCHED)) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_identity_update" AFTER UPDATE ON "${table}" FOR EACH ROW
          WHEN (${tuple('OLD', columns)} IS DISTINCT FROM ${tuple('NEW', columns)})
          EXECUTE FUNCTION igny8_identity_row_changed()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "${table}_identity_delete" AFTER DELETE ON "${table}" FOR EACH ROW
          EXECUTE FUNCTION igny8_identity_row_changed()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "${table}_identity_truncate" AFTER TRUNCATE ON "${table}" FOR EACH STATEMENT
          EXECUTE FUNCTION igny8_identity_table_truncated()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of Object.keys(WATCHED)) {
      for (const kind of ['update', 'delete', 'truncate']) {
        await queryRunner.query(`DROP TRIGGER IF EXISTS "${table}_identity_${kind}" ON "${table}"`);
      }
    }
    await queryRunner.query(`DROP FUNCTION IF EXISTS igny8_identity_table_truncated()`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS igny8_identity_row_changed()`);
  }
}
