import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { globalQuery } from '../../common/tenancy/tenant-sql.js';
import type { PaymentMethod } from './entities/billing-enums.js';
import { PaymentMethodConfig } from './entities/payment-method-config.entity.js';

/** `'*'` stands for every country, and for an account without a billing country. */
export const ANY_COUNTRY = '*';

export function countryKey(country: string | null | undefined): string {
  const code = country?.trim().toUpperCase();
  return code && /^[A-Z]{2}$/.test(code) ? code : ANY_COUNTRY;
}

/**
 * Which payment methods a country offers (docs/billing.md#payment-methods-by-country), read from
 * `igny8_payment_method_configs`: the country's own row for a method decides when it exists,
 * otherwise the `'*'` row; with neither the method is not offered.
 */
@Injectable()
export class PaymentMethodCatalog {
  constructor(private readonly dataSource: DataSource) {}

  /** The enabled methods of `country`, in display order. */
  async available(
    country: string | null | undefined,
    manager?: EntityManager,
  ): Promise<PaymentMethodConfig[]> {
    const key = countryKey(country);
    const rows = await globalQuery(manager ?? this.dataSource.manager, PaymentMethodConfig, 'c')
      .where('c.country_code IN (:...countries)', { countries: [key, ANY_COUNTRY] })
      .orderBy('c.sort_order', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .getMany();
    const decided = new Map<PaymentMethod, PaymentMethodConfig>();
    for (const row of rows) {
      const current = decided.get(row.payment_method);
      if (!current || (current.country_code === ANY_COUNTRY && row.country_code !== ANY_COUNTRY)) {
        decided.set(row.payment_method, row);
      }
    }
    return [...decided.values()]
      .filter((row) => row.is_enabled)
      .sort((a, b) => a.sort_order - b.sort_order || a.id - b.id);
  }

  /** The config row offering `method` in `country`, or null when it is not offered there. */
  async find(
    method: PaymentMethod,
    country: string | null | undefined,
    manager?: EntityManager,
  ): Promise<PaymentMethodConfig | null> {
    return (await this.available(country, manager)).find((row) => row.payment_method === method) ?? null;
  }
}
