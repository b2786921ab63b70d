import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { MailTransport } from './mail-transport.js';
import { Mailer } from './mailer.service.js';
import { OutboxTransport } from './outbox.transport.js';
import { SmtpTransport } from './smtp.transport.js';
import { EmailTemplates } from './template-store.js';

/** The mail port (`Mailer`) with the transport chosen by `MAIL_TRANSPORT`: `outbox` or an SMTP URL. */
@Global()
@Module({
  providers: [
    {
      provide: MailTransport,
      inject: [AppConfig, DataSource],
      useFactory: (config: AppConfig, dataSource: DataSource): MailTransport =>
        config.mailTransport === 'outbox'
          ? new OutboxTransport(dataSource, config.encryptionKey)
          : new SmtpTransport(config.mailTransport),
    },
    Mailer,
    EmailTemplates,
  ],
  exports: [Mailer, EmailTemplates],
})
export class MailModule {}
