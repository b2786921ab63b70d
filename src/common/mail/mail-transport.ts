import type { RenderedMail, TemplateKey } from './templates.js';

/** One rendered message on its way to a transport. */
export interface OutgoingMail extends RenderedMail {
  to: string;
  templateKey: TemplateKey;
  accountId: number | null;
  userId: number | null;
}

/** Where mail goes: the outbox table (development, tests) or an SMTP server (`MAIL_TRANSPORT`). */
export abstract class MailTransport {
  abstract readonly name: string;
  /** Delivers the message; resolves to the provider's message id. */
  abstract deliver(mail: OutgoingMail): Promise<string>;
  close(): Promise<void> {
    return Promise.resolve();
  }
}
