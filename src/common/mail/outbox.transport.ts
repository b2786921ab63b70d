import type { DataSource } from 'typeorm';
import { EmailOutbox } from './email-outbox.entity.js';
import { decryptSecret, encryptSecret } from '../crypto.js';
import { MailTransport, type OutgoingMail } from './mail-transport.js';

/**
 * `MAIL_TRANSPORT=outbox`: every message becomes a row of `igny8_email_outbox`, bodies encrypted
 * with the server key (they carry reset links). Nothing is written to the log.
 */
export class OutboxTransport extends MailTransport {
  readonly name = 'outbox';

  constructor(
    private readonly dataSource: DataSource,
    private readonly key: Buffer,
  ) {
    super();
  }

  async deliver(mail: OutgoingMail): Promise<string> {
    const result = await this.dataSource.getRepository(EmailOutbox).insert({
      account_id: mail.accountId,
      user_id: mail.userId,
      template_key: mail.templateKey,
      to_email: mail.to,
      subject: mail.subject,
      html_body_encrypted: encryptSecret(mail.html, this.key),
      text_body_encrypted: encryptSecret(mail.text, this.key),
    });
    return `outbox:${String(result.identifiers[0]?.id)}`;
  }
}

/** An outbox row with its bodies decrypted (development tooling and tests). */
export interface OutboxMessage {
  id: number;
  template_key: string;
  to_email: string;
  subject: string;
  text: string;
  html: string;
  created_at: Date;
}

export function openOutboxRow(row: EmailOutbox, key: Buffer): OutboxMessage {
  return {
    id: row.id,
    template_key: row.template_key,
    to_email: row.to_email,
    subject: row.subject,
    text: row.text_body_encrypted ? decryptSecret(row.text_body_encrypted, key) : '',
    html: row.html_body_encrypted ? decryptSecret(row.html_body_encrypted, key) : '',
    created_at: row.created_at,
  };
}
