import { Column, Entity, Index } from 'typeorm';
import { TimestampedEntity } from '../../database/base-entities.js';

/**
 * EmailTemplate — `igny8_email_templates` (docs/system.md): the subject and bodies of one
 * kind of email, editable by developers. `variables` names the `{{placeholders}}` its sender fills.
 */
@Entity('igny8_email_templates')
export class EmailTemplate extends TimestampedEntity {
  @Index('igny8_email_templates_template_key_uniq', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  template_key: string;

  @Column({ type: 'varchar', length: 255 })
  subject: string;

  @Column({ type: 'text' })
  html_body: string;

  @Column({ type: 'text', default: '' })
  text_body: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  variables: string[];

  @Column({ type: 'boolean', default: true })
  is_active: boolean;
}
