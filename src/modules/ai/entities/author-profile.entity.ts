import { Column, Entity, Index } from 'typeorm';
import { TenantEntity, TimestampedEntity } from '../../../database/base-entities.js';

// TypeScript requires mixin constructors to take `any[]`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AbstractType<T = object> = abstract new (...args: any[]) => T;

/** The voice columns an account profile and a global template share. */
function withProfileColumns<TBase extends AbstractType>(base: TBase) {
  abstract class ProfileColumns extends base {
    @Column({ type: 'varchar', length: 255 })
    name: string;

    @Column({ type: 'text', default: '' })
    description: string;

    @Column({ type: 'varchar', length: 100, default: '' })
    tone: string;

    @Column({ type: 'text', default: '' })
    writing_style: string;

    @Column({ type: 'text', default: '' })
    target_audience: string;

    @Column({ type: 'varchar', length: 10, default: 'en' })
    language: string;

    @Column({ type: 'boolean', default: true })
    is_active: boolean;
  }
  return ProfileColumns;
}

/**
 * AuthorProfile — `igny8_author_profiles` (docs/system.md#author-profiles-and-strategies): a voice the
 * account writes in. The account's default active profile is written into content-generation
 * prompts (`[IGNY8_AUTHOR]`).
 */
@Entity('igny8_author_profiles')
@Index('igny8_author_profiles_account_name_uniq', ['account_id', 'name'], { unique: true })
@Index('igny8_author_profiles_account_default_uniq', ['account_id'], { unique: true, where: '"is_default"' })
export class AuthorProfile extends withProfileColumns(TenantEntity) {
  @Column({ type: 'boolean', default: false })
  is_default: boolean;
}

/**
 * GlobalAuthorProfile — `igny8_global_author_profiles` (docs/system.md#author-profiles-and-strategies):
 * read-only templates accounts copy.
 */
@Entity('igny8_global_author_profiles')
@Index('igny8_global_author_profiles_name_uniq', ['name'], { unique: true })
export class GlobalAuthorProfile extends withProfileColumns(TimestampedEntity) {}
