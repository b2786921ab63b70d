import type { MigrationInterface, QueryRunner } from 'typeorm';

// Every "revoke all sessions" bumps the user's token version; an access token carrying an older
// version is refused, even when it was issued in the same second as the revocation.

export class UserTokenVersion1800000100000 implements MigrationInterface {
  name = 'UserTokenVersion1800000100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "igny8_users" ADD "token_version" integer NOT NULL DEFAULT '0'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "igny8_users" DROP COLUMN "token_version"`);
  }
}
