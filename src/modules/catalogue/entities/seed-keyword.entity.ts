import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { inList, TimestampedEntity } from '../../../database/base-entities.js';
import type { IndustrySector } from './industry-sector.entity.js';
import type { Industry } from './industry.entity.js';

export const KEYWORD_INTENTS = ['informational', 'commercial', 'transactional', 'navigational'] as const;
export type KeywordIntent = (typeof KEYWORD_INTENTS)[number];

/**
 * SeedKeyword — `igny8_seed_keywords` (global keyword library, docs/domain-model.md#catalogue).
 * `igny8_seed_keywords_keyword_uniq` (lower(keyword), sector_id, country) and
 * `igny8_seed_keywords_keyword_lower_idx` (lower(keyword)) are expression indexes created by the
 * migration and left alone by the schema diff (`synchronize: false`).
 */
@Entity('igny8_seed_keywords')
@Index('igny8_seed_keywords_keyword_uniq', { synchronize: false })
@Index('igny8_seed_keywords_keyword_lower_idx', { synchronize: false })
@Index('igny8_seed_keywords_industry_id_sector_id_idx', ['industry_id', 'sector_id'])
@Check('igny8_seed_keywords_volume_check', '"volume" >= 0')
@Check('igny8_seed_keywords_difficulty_check', '"difficulty" BETWEEN 0 AND 100')
@Check('igny8_seed_keywords_intent_check', inList('intent', KEYWORD_INTENTS))
@Check('igny8_seed_keywords_country_check', `"country" ~ '^[A-Z]{2}$'`)
export class SeedKeyword extends TimestampedEntity {
  /** Trimmed, whitespace collapsed. */
  @Column({ type: 'varchar', length: 255 })
  keyword: string;

  @Column({ type: 'bigint' })
  industry_id: number;

  @ManyToOne('Industry', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'industry_id' })
  industry?: Relation<Industry>;

  /** An IndustrySector of `industry_id`. */
  @Index('igny8_seed_keywords_sector_id_idx')
  @Column({ type: 'bigint' })
  sector_id: number;

  @ManyToOne('IndustrySector', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'sector_id' })
  sector?: Relation<IndustrySector>;

  /** Monthly searches. */
  @Index('igny8_seed_keywords_volume_idx')
  @Column({ type: 'integer', default: 0 })
  volume: number;

  @Column({ type: 'smallint', default: 0 })
  difficulty: number;

  @Column({ type: 'varchar', length: 32, default: 'informational' })
  intent: KeywordIntent;

  /** Uppercase ISO 3166-1 alpha-2. */
  @Column({ type: 'char', length: 2, default: 'US' })
  country: string;

  @Column({ type: 'boolean', default: true })
  is_active: boolean;
}
