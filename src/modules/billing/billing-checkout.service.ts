import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tenantSql } from '../../common/tenancy/tenant-sql.js';
import type { PaymentMethod } from './entities/billing-enums.js';
import { Invoice } from './entities/invoice.entity.js';
import { type GatewayProvider, PaymentGateways } from './payment-gateways.js';
import { PaymentMethodCatalog } from './payment-method-catalog.js';

/** Pay at the provider's page (`checkout_url` null, with a message, when it is not configured). */
export interface RedirectAction {
  type: 'redirect';
  checkout_url: string | null;
  message: string | null;
}

/** Pay by hand (bank transfer, wallet), then submit the reference. */
export interface ManualAction {
  type: 'manual';
  display_name: string;
  instructions: string;
  details: Record<string, unknown>;
}

export type NextAction = RedirectAction | ManualAction;

const isGateway = (method: PaymentMethod): method is GatewayProvider =>
  method === 'stripe' || method === 'paypal';

/**
 * What the payer does next for an invoice (docs/billing.md#checkout): for Stripe and PayPal a
 * checkout created through PaymentGateways, whose URL (and session or order id) the invoice keeps; for
 * manual methods the instructions and bank details configured for the country. Call it after the
 * invoice's transaction committed: it talks to the provider.
 */
@Injectable()
export class BillingCheckout {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateways: PaymentGateways,
    private readonly catalog: PaymentMethodCatalog,
  ) {}

  async nextAction(
    invoice: Invoice,
    method: PaymentMethod,
    payer: { email?: string | null; country?: string | null } = {},
  ): Promise<NextAction> {
    if (!isGateway(method)) {
      const config = await this.catalog.find(method, payer.country);
      return {
        type: 'manual',
        display_name: config?.display_name ?? method,
        instructions: config?.instructions ?? '',
        details: config?.details ?? {},
      };
    }
    const result = await this.gateways.createCheckout({
      provider: method,
      invoice,
      customerEmail: payer.email,
    });
    invoice.metadata = { ...invoice.metadata, checkout_url: result.checkout_url };
    if (result.message) invoice.metadata.checkout_message = result.message;
    if (result.external_id && method === 'stripe') invoice.stripe_invoice_id = result.external_id;
    if (result.external_id && method === 'paypal') invoice.paypal_invoice_id = result.external_id;
    const sql = tenantSql(this.dataSource.manager);
    const i = sql.table(Invoice, 'i');
    const patch = JSON.stringify({
      checkout_url: result.checkout_url,
      checkout_message: result.message ?? undefined,
    });
    await sql.returning`
      UPDATE ${i} SET metadata = i.metadata || ${patch}::jsonb,
             stripe_invoice_id = ${invoice.stripe_invoice_id}, paypal_invoice_id = ${invoice.paypal_invoice_id},
             updated_at = now()
       WHERE ${i.scope} AND i.id = ${invoice.id} RETURNING i.id`;
    return { type: 'redirect', checkout_url: result.checkout_url, message: result.message };
  }
}
