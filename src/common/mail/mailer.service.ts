import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EmailLog } from './email-log.entity.js';
import { MailTransport } from './mail-transport.js';
import { EmailTemplates } from './template-store.js';
import type { TemplateKey } from './templates.js';

export interface MailRequest {
  template: TemplateKey;
  to: string;
  variables: Record<string, string>;
  accountId?: number | null;
  userId?: number | null;
}

/**
 * The mail port. `send` hands a message over and returns at once: rendering, the `igny8_email_logs`
 * row (no bodies) and delivery happen in the background, so a failed or slow send never fails nor
 * delays the request that caused it (docs/domain-model.md#email). Message contents are never logged.
 */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly logger = new Logger('Mailer');
  private readonly inFlight = new Set<Promise<void>>();
  /** Messages are delivered one after another, in the order they were handed over. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly transport: MailTransport,
    private readonly dataSource: DataSource,
    private readonly templates: EmailTemplates,
  ) {}

  send(request: MailRequest): void {
    const job = this.tail.then(() => this.deliver(request)).finally(() => this.inFlight.delete(job));
    this.tail = job;
    this.inFlight.add(job);
  }

  /** Waits until every message handed over so far is delivered or has failed. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
    await this.transport.close();
  }

  private async deliver(request: MailRequest): Promise<void> {
    const meta = { template: request.template, userId: request.userId ?? null };
    let logId: number | undefined;
    try {
      const rendered = await this.templates.render(request.template, request.variables);
      const logs = this.dataSource.getRepository(EmailLog);
      const inserted = await logs.insert({
        account_id: request.accountId ?? null,
        user_id: request.userId ?? null,
        template_key: request.template,
        to_email: request.to,
        subject: rendered.subject.slice(0, 255),
        status: 'queued',
      });
      logId = inserted.identifiers[0]?.id as number | undefined;
      const messageId = await this.transport.deliver({
        ...rendered,
        to: request.to,
        templateKey: request.template,
        accountId: request.accountId ?? null,
        userId: request.userId ?? null,
      });
      if (logId !== undefined) {
        await logs.update(logId, { status: 'sent', sent_at: new Date(), provider_message_id: messageId });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn({ ...meta, transport: this.transport.name, error: message }, 'Email not sent');
      if (logId !== undefined) {
        await this.dataSource
          .getRepository(EmailLog)
          .update(logId, { status: 'failed', error_message: message.slice(0, 2000) })
          .catch(() => undefined);
      }
    }
  }
}
