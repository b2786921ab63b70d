import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CreatedEntity } from '../../../database/base-entities.js';
import type { ContentTaxonomy } from './content-taxonomy.entity.js';
import type { Content } from './content.entity.js';

/**
 * The taxonomy terms of a content — `igny8_content_taxonomy_relations` (docs/domain-model.md#writer): [base]
 * without `updated_at`, both sides ON DELETE CASCADE, unique `(content_id, taxonomy_id)`. Both rows
 * belong to the same site (checked by the services).
 */
@Entity('igny8_content_taxonomy_relations')
@Index('igny8_content_taxonomy_relations_content_taxonomy_uniq', ['content_id', 'taxonomy_id'], {
  unique: true,
})
export class ContentTaxonomyRelation extends CreatedEntity {
  @Column({ type: 'bigint' })
  content_id: number;

  @ManyToOne('Content', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'content_id' })
  content?: Relation<Content>;

  @Index('igny8_content_taxonomy_relations_taxonomy_id_idx')
  @Column({ type: 'bigint' })
  taxonomy_id: number;

  @ManyToOne('ContentTaxonomy', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'taxonomy_id' })
  taxonomy?: Relation<ContentTaxonomy>;
}
