import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { Mailer } from '../../common/mail/mailer.service.js';
import type { TemplateKey } from '../../common/mail/templates.js';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import { AppConfig } from '../../config/app-config.js';
import { afterCommit } from '../../database/after-commit.js';
import { Account } from '../identity/entities/account.entity.js';
import { User } from '../identity/entities/user.entity.js';

/** The billing emails (docs/billing.md#billing-emails). */
export type BillingTemplate = Extract<
  TemplateKey,
  | 'invoice_created'
  | 'payment_approved'
  | 'payment_submitted'
  | 'payment_rejected'
  | 'credit_invoice_expiring'
  | 'renewal_notice'
  | 'renewal_reminder'
  | 'account_suspended'
>;

const BILLING_PATH = '/account/billing';

interface Recipient {
  email: string;
  name: string;
  user_id: number | null;
  account_name: string;
}

/** `YYYY-MM-DD` (UTC) of a date, as the emails print it. */
export const emailDate = (date: Date | string | null | undefined): string =>
  date ? new Date(date).toISOString().slice(0, 10) : '';

/** `YYYY-MM-DD HH:MM UTC` of a moment, as the emails print a deadline within the day. */
export const emailTime = (date: Date | string | null | undefined): string =>
  date ? `${new Date(date).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';

/**
 * Sends an account's billing emails to its billing email, else its owner, once the transaction that
 * caused them commits (never when it rolls back); a failed send never fails that transaction.
 */
@Injectable()
export class BillingMail {
  private readonly logger = new Logger(BillingMail.name);

  constructor(
    private readonly mailer: Mailer,
    private readonly context: TenantContext,
    private readonly config: AppConfig,
  ) {}

  async send(
    manager: EntityManager,
    accountId: number,
    template: BillingTemplate,
    variables: Record<string, string>,
  ): Promise<void> {
    let recipient: Recipient | null;
    try {
      recipient = await this.lookup(accountId, () => this.recipient(manager, accountId));
    } catch (error) {
      this.logger.warn(
        { accountId, template, error: error instanceof Error ? error.message : String(error) },
        'Billing email not sent: no recipient',
      );
      return;
    }
    if (!recipient) return;
    const billingUrl = `${this.config.frontendUrl.replace(/\/+$/, '')}${BILLING_PATH}`;
    afterCommit(manager, () =>
      this.mailer.send({
        template,
        to: recipient.email,
        accountId,
        userId: recipient.user_id,
        variables: {
          name: recipient.name,
          account_name: recipient.account_name,
          billing_url: billingUrl,
          ...variables,
        },
      }),
    );
  }

  /** A change made without a principal (a provider's webhook) still reads its own account's owner. */
  private lookup<T>(accountId: number, read: () => Promise<T>): Promise<T> {
    if (this.context.principal || this.context.isSystem) return read();
    return this.context.runAsSystem(`billing email of account ${accountId}`, read, 'debug');
  }

  private async recipient(manager: EntityManager, accountId: number): Promise<Recipient | null> {
    const sql = tenantSql(manager);
    const [a, u] = [sql.table(Account, 'a'), sql.table(User, 'u')];
    const [row] = await sql.query<
      {
        billing_email: string | null;
        account_name: string;
        id: number | null;
        email: string | null;
        first_name: string | null;
        username: string | null;
      }[]
    >`
      SELECT a.billing_email, a.name AS account_name, u.id, u.email, u.first_name, u.username
        FROM ${a} LEFT JOIN ${u} ON u.id = a.owner_id AND ${u.scope} AND u.deleted_at IS NULL AND u.is_active
       WHERE ${a.scope} AND a.id = ${accountId}`;
    if (!row) return null;
    const email = row.billing_email?.trim() || row.email;
    if (!email) return null;
    return {
      email,
      name: row.first_name?.trim() || row.username || row.account_name,
      user_id: row.id === null ? null : Number(row.id),
      account_name: row.account_name,
    };
  }
}
