import type { Transporter } from 'nodemailer';
import { MailTransport, type OutgoingMail } from './mail-transport.js';

export const DEFAULT_MAIL_FROM = 'IGNY8 <no-reply@igny8.com>';

/**
 * `MAIL_TRANSPORT=smtp://user:pass@host:port` (or `smtps://`): delivery through nodemailer.
 * An optional `from` query parameter sets the sender (`smtp://host:25/?from=IGNY8%20%3Cno-reply%40x.com%3E`).
 */
export class SmtpTransport extends MailTransport {
  readonly name = 'smtp';
  private readonly url: string;
  private readonly from: string;
  /** Made on the first message: nodemailer is loaded only by a process that sends mail. */
  private transporter?: Promise<Transporter>;

  constructor(url: string) {
    super();
    const parsed = new URL(url);
    this.from = parsed.searchParams.get('from') ?? DEFAULT_MAIL_FROM;
    parsed.searchParams.delete('from');
    this.url = parsed.toString();
  }

  async deliver(mail: OutgoingMail): Promise<string> {
    this.transporter ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url: this.url,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      }),
    );
    const transporter = await this.transporter;
    const info = (await transporter.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    })) as { messageId?: string };
    return info.messageId ?? '';
  }

  override async close(): Promise<void> {
    (await this.transporter)?.close();
  }
}
