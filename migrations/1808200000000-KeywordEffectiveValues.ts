import type { MigrationInterface, QueryRunner } from 'typeorm';

// A keyword's effective volume and difficulty — its override, else its seed keyword's value —
// stored on the keyword so that an index can order a list by them (docs/performance.md#lists).
// One trigger computes them, whatever writes the rows: on a keyword, every insert and every update of
// its seed, its overrides or the stored values themselves recomputes them from the seed. The backfill
// and a seed keyword's change of volume or difficulty go through it by touching the keywords' seed
// column. The seed's function runs as the tables' owner (SECURITY DEFINER), which row-level security
// does not bind, so a change by a connection scoped to one account still reaches every account.

const KEYWORD_INPUTS = ['seed_keyword_id', 'volume_override', 'difficulty_override', 'volume', 'difficulty'];

/** An update that changes nothing but fires the keyword trigger, which recomputes both values. */
const TOUCH = '"seed_keyword_id" = "seed_keyword_id"';

export class KeywordEffectiveValues1808200000000 implements MigrationInterface {
  name = 'KeywordEffectiveValues1808200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "igny8_keywords" ADD "volume" integer, ADD "difficulty" smallint`);
    // A seed that does not exist leaves the overrides (or 0) for the foreign key to refuse the row.
    await queryRunner.query(`
      CREATE FUNCTION igny8_keyword_effective_values() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT COALESCE(NEW."volume_override", s."volume"), COALESCE(NEW."difficulty_override", s."difficulty")
          INTO NEW."volume", NEW."difficulty"
          FROM "igny8_seed_keywords" s WHERE s."id" = NEW."seed_keyword_id";
        IF NOT FOUND THEN
          NEW."volume" := COALESCE(NEW."volume_override", 0);
          NEW."difficulty" := COALESCE(NEW."difficulty_override", 0);
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "igny8_keywords_effective_values"
        BEFORE INSERT OR UPDATE OF ${KEYWORD_INPUTS.map((column) => `"${column}"`).join(', ')}
        ON "igny8_keywords" FOR EACH ROW EXECUTE FUNCTION igny8_keyword_effective_values()`);
    await queryRunner.query(`UPDATE "igny8_keywords" SET ${TOUCH}`);
    await queryRunner.query(
      `ALTER TABLE "igny8_keywords" ALTER "volume" SET NOT NULL, ALTER "difficulty" SET NOT NULL`,
    );
    await queryRunner.query(`
      CREATE FUNCTION igny8_seed_keyword_values_changed() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        UPDATE "igny8_keywords" SET ${TOUCH} WHERE "seed_keyword_id" = NEW."id";
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "igny8_seed_keywords_values_changed"
        AFTER UPDATE OF "volume", "difficulty" ON "igny8_seed_keywords" FOR EACH ROW
        WHEN ((OLD."volume", OLD."difficulty") IS DISTINCT FROM (NEW."volume", NEW."difficulty"))
        EXECUTE FUNCTION igny8_seed_keyword_values_changed()`);
    await queryRunner.query(
      `CREATE INDEX "igny8_keywords_account_volume_idx" ON "igny8_keywords" ("account_id", "volume", "id")
        WHERE "deleted_at" IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "igny8_keywords_account_volume_idx"`);
    await queryRunner.query(
      `DROP TRIGGER IF EXISTS "igny8_seed_keywords_values_changed" ON "igny8_seed_keywords"`,
    );
    await queryRunner.query(`DROP FUNCTION IF EXISTS igny8_seed_keyword_values_changed()`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS "igny8_keywords_effective_values" ON "igny8_keywords"`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS igny8_keyword_effective_values()`);
    await queryRunner.query(`ALTER TABLE "igny8_keywords" DROP COLUMN "difficulty", DROP COLUMN "volume"`);
  }
}
