import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { Keyword } from './keyword.entity.js';
import type { ContentIdea } from './content-idea.entity.js';

/**
 * The keywords of an idea — join table `igny8_content_ideas_keyword_objects` (docs/domain-model.md#planner):
 * primary key `(content_idea_id, keyword_id)`, both sides ON DELETE CASCADE, no other columns.
 * Both rows belong to the same site and sector (checked by the services).
 */
@Entity('igny8_content_ideas_keyword_objects')
export class ContentIdeaKeyword {
  @PrimaryColumn({ type: 'bigint' })
  content_idea_id: number;

  @ManyToOne('ContentIdea', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'content_idea_id' })
  content_idea?: Relation<ContentIdea>;

  @Index('igny8_content_ideas_keyword_objects_keyword_id_idx')
  @PrimaryColumn({ type: 'bigint' })
  keyword_id: number;

  @ManyToOne('Keyword', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'keyword_id' })
  keyword?: Relation<Keyword>;
}
