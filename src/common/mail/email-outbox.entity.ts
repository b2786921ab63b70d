import { Column, Entity, Index } from 'typeorm';
import { EmailEnvelopeEntity } from './email-log.entity.js';

/**
 * EmailOutbox — `igny8_email_outbox`: the messages "sent" by the development mail transport
 * (`MAIL_TRANSPORT=outbox`), never written to the log. Bodies carry reset links and invitations,
 * so they are stored encrypted with the server key (AES-256-GCM, `v1:` format,
 * docs/domain-model.md#conventions): nothing secret is readable in the database.
 */
@Entity('igny8_email_outbox')
@Index('igny8_email_outbox_account_id_idx', ['account_id'])
@Index('igny8_email_outbox_user_id_idx', ['user_id'])
@Index('igny8_email_outbox_to_email_idx', ['to_email'])
export class EmailOutbox extends EmailEnvelopeEntity {
  /** Encrypted HTML body (`v1:` + base64(IV ‖ ciphertext ‖ tag)). */
  @Column({ type: 'text', default: '' })
  html_body_encrypted: string;

  /** Encrypted plain-text body. */
  @Column({ type: 'text', default: '' })
  text_body_encrypted: string;
}
