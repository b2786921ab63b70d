import {
  Column,
  CreateDateColumn,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/*
 * The column groups (docs/domain-model.md#conventions), as abstract classes to extend:
 *
 *   CreatedEntity          id, created_at                   (tables "without updated_at")
 *   TimestampedEntity      [base]
 *   SoftEntity             [base] + [soft]
 *   TenantEntity           [base] + [tenant]
 *   TenantSoftEntity       [base] + [tenant] + [soft]
 *   SiteSectorEntity       [base] + [site-sector]
 *   SiteSectorSoftEntity   [base] + [site-sector] + [soft]
 *
 * Property names are the column names. Foreign keys are plain `bigint` number properties; the
 * `@ManyToOne` relation beside each one shares its column (same `@JoinColumn` name), declares the
 * constraint and is only there for joins. Relations name their target by entity name (string) and
 * are typed `ReferencedRow`, so these classes import no entity: the identity module's entities
 * (accounts, users, sites, sectors) extend them rather than the other way round.
 *
 * Soft delete is our own (docs/domain-model.md#soft-delete-and-cascades): `deleted_at` is a plain column, not
 * TypeORM's `@DeleteDateColumn`.
 */

/**
 * The row a relation points at when the relation is there for its constraint and joins only, never
 * loaded: typing it so keeps the platform and entity files from importing the entities they reference.
 */
export interface ReferencedRow {
  id: number;
}

/**
 * SQL for an enum column: `"column" IN ('a', 'b')`, the body of its CHECK constraint
 * (docs/domain-model.md#conventions).
 */
export function inList(column: string, values: readonly string[]): string {
  return `"${column}" IN (${values.map((value) => `'${value}'`).join(', ')})`;
}

/** `id bigint GENERATED ALWAYS AS IDENTITY` and `created_at timestamptz NOT NULL DEFAULT now()`. */
export abstract class CreatedEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;
}

/** [base]: id, created_at and `updated_at` (set to now by every TypeORM update/save). */
export abstract class TimestampedEntity extends CreatedEntity {
  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at: Date;
}

// TypeScript requires mixin constructors to take `any[]`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AbstractType<T = object> = abstract new (...args: any[]) => T;

/** [soft]: `deleted_at`, `deleted_by` → users SET NULL, `deleted_cascade_id`; indexed. */
function withSoftColumns<TBase extends AbstractType<TimestampedEntity>>(base: TBase) {
  abstract class SoftColumns extends base {
    @Index()
    @Column({ type: 'timestamptz', nullable: true })
    deleted_at: Date | null;

    @Index()
    @Column({ type: 'bigint', nullable: true })
    deleted_by: number | null;

    @ManyToOne('User', { onDelete: 'SET NULL' })
    @JoinColumn({ name: 'deleted_by' })
    deleted_by_user?: ReferencedRow;

    @Index()
    @Column({ type: 'uuid', nullable: true })
    deleted_cascade_id: string | null;
  }
  return SoftColumns;
}

/** [tenant]: `account_id` → accounts CASCADE (indexed), `created_by` → users SET NULL. */
function withTenantColumns<TBase extends AbstractType<TimestampedEntity>>(base: TBase) {
  abstract class TenantColumns extends base {
    @Index()
    @Column({ type: 'bigint' })
    account_id: number;

    @ManyToOne('Account', { onDelete: 'CASCADE' })
    @JoinColumn({ name: 'account_id' })
    account?: ReferencedRow;

    @Index()
    @Column({ type: 'bigint', nullable: true })
    created_by: number | null;

    @ManyToOne('User', { onDelete: 'SET NULL' })
    @JoinColumn({ name: 'created_by' })
    created_by_user?: ReferencedRow;
  }
  return TenantColumns;
}

export abstract class SoftEntity extends withSoftColumns(TimestampedEntity) {}

export abstract class TenantEntity extends withTenantColumns(TimestampedEntity) {}

export abstract class TenantSoftEntity extends withSoftColumns(TenantEntity) {}

/** [site-sector]: [tenant] + `site_id`, `sector_id` (both CASCADE), index (account_id, site_id, sector_id). */
@Index(['account_id', 'site_id', 'sector_id'])
export abstract class SiteSectorEntity extends TenantEntity {
  @Index()
  @Column({ type: 'bigint' })
  site_id: number;

  @ManyToOne('Site', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_id' })
  site?: ReferencedRow;

  @Index()
  @Column({ type: 'bigint' })
  sector_id: number;

  @ManyToOne('Sector', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sector_id' })
  sector?: ReferencedRow;
}

/** [base] + [site-sector] + [soft]: planner and writer tables (keywords, clusters, ideas, tasks, content, images). */
export abstract class SiteSectorSoftEntity extends withSoftColumns(SiteSectorEntity) {}
