import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import type { Paginated } from '../../common/http/responses.js';
import { defineList, filter, ListService, type RawQuery } from '../../common/list/index.js';
import { tenantQuery, tenantSql } from '../../common/tenancy/tenant-sql.js';
import { Account } from '../identity/entities/account.entity.js';
import {
  type AvailableMethodView,
  type PaymentMethodView,
  presentAvailableMethod,
  presentPaymentMethod,
} from './billing-presenters.js';
import { AccountPaymentMethod } from './entities/account-payment-method.entity.js';
import { PAYMENT_METHODS, type PaymentMethod } from './entities/billing-enums.js';
import { PaymentMethodCatalog } from './payment-method-catalog.js';

export const PAYMENT_METHODS_LIST = defineList({
  filters: { type: filter.enum('m.type', PAYMENT_METHODS), is_enabled: filter.boolean('m.is_enabled') },
  ordering: {
    fields: { created_at: 'm.created_at', display_name: 'm.display_name' },
    default: '-created_at',
  },
});

export interface PaymentMethodFields {
  type?: PaymentMethod;
  display_name?: string;
  is_enabled?: boolean;
  country_code?: string | null;
  instructions?: string;
  metadata?: Record<string, unknown>;
}

/** Keys that would hold a full card or bank number: never stored (brand, last4 and emails are fine). */
const SENSITIVE_KEY = /(card_?number|^pan$|cvc|cvv|account_?number|iban|routing|sort_?code|password|secret)/i;

function sensitiveKey(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    if (SENSITIVE_KEY.test(key)) return key;
    const nested = sensitiveKey(inner);
    if (nested) return nested;
  }
  return null;
}

/**
 * The account's payment methods on file (`billing/payment-methods/`) and the methods its country
 * offers (`available/`, and the public `billing/payment-configs/payment-methods/`).
 */
@Injectable()
export class PaymentMethodsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
    private readonly lists: ListService,
    private readonly catalog: PaymentMethodCatalog,
  ) {}

  private get accountId(): number {
    return this.context.requirePrincipal().accountId;
  }

  private own(manager: EntityManager = this.dataSource.manager): SelectQueryBuilder<AccountPaymentMethod> {
    return tenantQuery(manager, AccountPaymentMethod, 'm').andWhere('m.account_id = :own_account', {
      own_account: this.accountId,
    });
  }

  /** The methods offered in `country` (default: the caller's billing country). */
  async available(country?: string): Promise<AvailableMethodView[]> {
    let code = country;
    if (code === undefined && this.context.principal) {
      const account = await tenantQuery(this.dataSource.manager, Account, 'a')
        .andWhere('a.id = :own_account', { own_account: this.accountId })
        .getOne();
      code = account?.billing_country ?? undefined;
    }
    return (await this.catalog.available(code)).map(presentAvailableMethod);
  }

  list(raw: RawQuery, request: FastifyRequest): Promise<Paginated<PaymentMethodView>> {
    return this.lists.list(this.own(), PAYMENT_METHODS_LIST, raw, request, async (qb) =>
      (await qb.getMany()).map(presentPaymentMethod),
    );
  }

  private async row(id: number, manager?: EntityManager): Promise<AccountPaymentMethod> {
    const row = await this.own(manager).andWhere('m.id = :method_id', { method_id: id }).getOne();
    if (!row) throw ApiError.notFound();
    return row;
  }

  async get(id: number): Promise<PaymentMethodView> {
    return presentPaymentMethod(await this.row(id));
  }

  async create(fields: PaymentMethodFields): Promise<PaymentMethodView> {
    this.check(fields);
    const row = await this.dataSource.manager.save(
      this.dataSource.manager.create(AccountPaymentMethod, {
        ...this.columns(fields),
        account_id: this.accountId,
      }),
    );
    return presentPaymentMethod(row);
  }

  async update(id: number, fields: PaymentMethodFields): Promise<PaymentMethodView> {
    this.check(fields);
    const row = await this.row(id);
    Object.assign(row, this.columns(fields));
    return presentPaymentMethod(await this.dataSource.manager.save(row));
  }

  async remove(id: number): Promise<void> {
    const row = await this.row(id);
    await this.dataSource.manager.remove(row);
  }

  /** The method becomes the account's default; every other loses the flag. */
  setDefault(id: number): Promise<PaymentMethodView> {
    return this.dataSource.transaction(async (tx) => {
      const row = await this.row(id, tx);
      const sql = tenantSql(tx);
      const m = sql.table(AccountPaymentMethod, 'm');
      await sql.returning`
        UPDATE ${m} SET is_default = false, updated_at = now()
         WHERE ${m.scope} AND m.account_id = ${row.account_id} AND m.is_default RETURNING m.id`;
      row.is_default = true;
      return presentPaymentMethod(await tx.save(row));
    });
  }

  private check(fields: PaymentMethodFields): void {
    const key = sensitiveKey(fields.metadata);
    if (key) {
      throw ApiError.field(
        'metadata',
        `"${key}" looks like a full card or bank number; store only brand and last4.`,
      );
    }
  }

  private columns(fields: PaymentMethodFields): Partial<AccountPaymentMethod> {
    const out: Partial<AccountPaymentMethod> = {};
    if (fields.type !== undefined) out.type = fields.type;
    if (fields.display_name !== undefined) out.display_name = fields.display_name.trim();
    if (fields.is_enabled !== undefined) out.is_enabled = fields.is_enabled;
    if (fields.country_code !== undefined) out.country_code = fields.country_code?.toUpperCase() || null;
    if (fields.instructions !== undefined) out.instructions = fields.instructions;
    if (fields.metadata !== undefined) out.metadata = fields.metadata;
    return out;
  }
}
