import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { globalQuery } from '../tenancy/tenant-sql.js';
import { EmailTemplate } from './email-template.entity.js';
import {
  builtInTemplate,
  type RenderedMail,
  renderTexts,
  TEMPLATE_KEYS,
  type TemplateKey,
} from './templates.js';

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** The `{{names}}` a text uses, in order of first use. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]))];
}

/**
 * The email templates (`igny8_email_templates`, docs/system.md#email-templates): one row per template
 * key, seeded from the built-in texts when missing (at start-up), editable by developers. Sending
 * renders the active row, else the built-in texts. `variables` of a row are the placeholders its
 * sender fills (those of the built-in texts).
 */
@Injectable()
export class EmailTemplates implements OnApplicationBootstrap {
  private readonly logger = new Logger('EmailTemplates');

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.seed();
    } catch (error) {
      // Mail keeps working with the built-in texts; the next start seeds again.
      this.logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'Email templates not seeded',
      );
    }
  }

  /** Inserts the row of every built-in template that has none; existing rows are left as edited. */
  async seed(): Promise<void> {
    const rows = TEMPLATE_KEYS.map((key) => {
      const template = builtInTemplate(key);
      return {
        template_key: key,
        subject: template.subject,
        html_body: template.html,
        text_body: template.text,
        variables: placeholders(`${template.subject}\n${template.html}\n${template.text}`),
      };
    });
    await this.dataSource.createQueryBuilder().insert().into(EmailTemplate).values(rows).orIgnore().execute();
  }

  /** The message of `key`: the active row's texts, else the built-in ones. */
  async render(key: TemplateKey, variables: Record<string, string>): Promise<RenderedMail> {
    const row = await globalQuery(this.dataSource.manager, EmailTemplate, 't')
      .where('t.template_key = :key AND t.is_active', { key })
      .getOne();
    const texts = row
      ? { subject: row.subject, html: row.html_body, text: row.text_body }
      : builtInTemplate(key);
    return renderTexts(texts, variables);
  }
}
