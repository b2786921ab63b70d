import type { MigrationInterface, QueryRunner } from 'typeorm';

// Billing (docs/billing.md): invoices, payments, credit packages, payment methods on file, the
// payment methods offered per country, and the webhook event trail. Tables with an `account_id` get
// row-level security like every tenant table (docs/adr/0009-row-level-security.md). The seeds are
// idempotent: a row a developer has since edited is left as it is.

const TENANT_ROW = `(SELECT current_setting('app.bypass_rls', true)) = 'on'
  OR account_id = (SELECT nullif(current_setting('app.account_id', true), '')::bigint)`;

const TENANT_TABLES = [
  'igny8_invoices',
  'igny8_payments',
  'igny8_account_payment_methods',
  'igny8_webhook_events',
];

/** Which method is offered where: `'*'` is every country, a country's own row overrides it. */
const PAYMENT_METHOD_CONFIGS: [string, string, boolean, string, string, number][] = [
  ['*', 'stripe', true, 'Credit / debit card', '', 0],
  ['*', 'paypal', true, 'PayPal', '', 1],
  ['PK', 'paypal', false, 'PayPal', '', 1],
  [
    'PK',
    'bank_transfer',
    true,
    'Bank transfer',
    'Transfer the invoice total to the account below, quoting the invoice number, then submit the ' +
      'transaction reference from the billing page. Your plan starts once the payment is approved.',
    2,
  ],
];

const CREDIT_PACKAGES: [string, string, number, string, number][] = [
  ['credits-500', '500 credits', 500, '50.00', 0],
  ['credits-1000', '1,000 credits', 1000, '100.00', 1],
  ['credits-2500', '2,500 credits', 2500, '250.00', 2],
];

export class Billing1808000000000 implements MigrationInterface {
  name = 'Billing1808000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "igny8_account_payment_methods" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "created_by" bigint, "type" character varying(32) NOT NULL, "display_name" character varying(100) NOT NULL, "is_default" boolean NOT NULL DEFAULT false, "is_enabled" boolean NOT NULL DEFAULT true, "is_verified" boolean NOT NULL DEFAULT false, "country_code" character(2), "instructions" text NOT NULL DEFAULT '', "metadata" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "igny8_account_payment_methods_type_check" CHECK ("type" IN ('stripe', 'paypal', 'bank_transfer', 'local_wallet', 'manual')), CONSTRAINT "PK_fe0aead6c2fcf7c83f0913633ec" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_3656651266098bd0ec99760454" ON "igny8_account_payment_methods"  ("account_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_7970ea93b0cbbcb2a41c908050" ON "igny8_account_payment_methods"  ("created_by") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_account_payment_methods_default_uniq" ON "igny8_account_payment_methods"  ("account_id") WHERE "is_default"`,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_credit_packages" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" character varying(100) NOT NULL, "slug" character varying(100) NOT NULL, "credits" integer NOT NULL, "price" numeric(10,2) NOT NULL, "currency" character(3) NOT NULL DEFAULT 'USD', "description" text NOT NULL DEFAULT '', "stripe_price_id" character varying(255), "is_active" boolean NOT NULL DEFAULT true, "sort_order" integer NOT NULL DEFAULT '0', CONSTRAINT "igny8_credit_packages_price_check" CHECK ("price" >= 0), CONSTRAINT "igny8_credit_packages_credits_check" CHECK ("credits" > 0), CONSTRAINT "PK_70ddc9fb085514bf0e3fa6a8169" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_credit_packages_slug_uniq" ON "igny8_credit_packages"  ("slug") `,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_invoices" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "invoice_number" character varying(50) NOT NULL, "invoice_type" character varying(32) NOT NULL, "status" character varying(32) NOT NULL DEFAULT 'pending', "subscription_id" bigint, "plan_id" bigint, "credit_package_id" bigint, "currency" character(3) NOT NULL DEFAULT 'USD', "subtotal" numeric(12,2) NOT NULL DEFAULT 0.00, "tax" numeric(12,2) NOT NULL DEFAULT 0.00, "total" numeric(12,2) NOT NULL DEFAULT 0.00, "line_items" jsonb NOT NULL DEFAULT '[]', "payment_method" character varying(32), "stripe_invoice_id" character varying(255), "paypal_invoice_id" character varying(255), "invoice_date" date NOT NULL DEFAULT ('now'::text)::date, "due_date" date, "paid_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE, "void_reason" text, "metadata" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "igny8_invoices_amounts_check" CHECK ("subtotal" >= 0 AND "tax" >= 0 AND "total" = "subtotal" + "tax"), CONSTRAINT "igny8_invoices_payment_method_check" CHECK ("payment_method" IN ('stripe', 'paypal', 'bank_transfer', 'local_wallet', 'manual')), CONSTRAINT "igny8_invoices_status_check" CHECK ("status" IN ('draft', 'pending', 'paid', 'void', 'uncollectible')), CONSTRAINT "igny8_invoices_invoice_type_check" CHECK ("invoice_type" IN ('subscription', 'credit_package', 'addon', 'custom')), CONSTRAINT "PK_7795819f2c02e393ae10ded3250" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_invoices_account_id_idx" ON "igny8_invoices"  ("account_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_invoices_invoice_number_uniq" ON "igny8_invoices"  ("invoice_number") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_invoices_subscription_id_idx" ON "igny8_invoices"  ("subscription_id") `,
    );
    await queryRunner.query(`CREATE INDEX "igny8_invoices_plan_id_idx" ON "igny8_invoices"  ("plan_id") `);
    await queryRunner.query(
      `CREATE INDEX "igny8_invoices_credit_package_id_idx" ON "igny8_invoices"  ("credit_package_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_invoices_status_expires_at_idx" ON "igny8_invoices"  ("status", "expires_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_invoices_account_id_status_idx" ON "igny8_invoices"  ("account_id", "status") `,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_payment_method_configs" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "country_code" character varying(2) NOT NULL, "payment_method" character varying(32) NOT NULL, "is_enabled" boolean NOT NULL DEFAULT true, "display_name" character varying(100) NOT NULL, "instructions" text NOT NULL DEFAULT '', "details" jsonb NOT NULL DEFAULT '{}', "sort_order" integer NOT NULL DEFAULT '0', CONSTRAINT "igny8_payment_method_configs_payment_method_check" CHECK ("payment_method" IN ('stripe', 'paypal', 'bank_transfer', 'local_wallet', 'manual')), CONSTRAINT "PK_e33e5b0a4765a09aea90aa0c8a3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_payment_method_configs_country_method_uniq" ON "igny8_payment_method_configs"  ("country_code", "payment_method") `,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_payments" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "account_id" bigint NOT NULL, "invoice_id" bigint NOT NULL, "amount" numeric(12,2) NOT NULL, "currency" character(3) NOT NULL DEFAULT 'USD', "payment_method" character varying(32) NOT NULL, "status" character varying(32) NOT NULL DEFAULT 'pending', "transaction_reference" character varying(255), "external_payment_id" character varying(255), "metadata" jsonb NOT NULL DEFAULT '{}', "approved_by" bigint, "approved_at" TIMESTAMP WITH TIME ZONE, "rejected_reason" text, "failure_reason" text, "processed_at" TIMESTAMP WITH TIME ZONE, "refunded_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "igny8_payments_amount_check" CHECK ("amount" >= 0), CONSTRAINT "igny8_payments_status_check" CHECK ("status" IN ('pending', 'processing', 'succeeded', 'failed', 'refunded', 'cancelled', 'pending_approval')), CONSTRAINT "igny8_payments_payment_method_check" CHECK ("payment_method" IN ('stripe', 'paypal', 'bank_transfer', 'local_wallet', 'manual')), CONSTRAINT "PK_f8efae01d2d2c6b47bc6bf27b4e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_payments_account_id_idx" ON "igny8_payments"  ("account_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_payments_invoice_id_idx" ON "igny8_payments"  ("invoice_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_payments_approved_by_idx" ON "igny8_payments"  ("approved_by") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_payments_external_payment_id_uniq" ON "igny8_payments"  ("external_payment_id") WHERE "external_payment_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_payments_invoice_id_pending_approval_uniq" ON "igny8_payments"  ("invoice_id") WHERE "status" = 'pending_approval'`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_payments_status_created_at_idx" ON "igny8_payments"  ("status", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_payments_account_id_status_idx" ON "igny8_payments"  ("account_id", "status") `,
    );
    await queryRunner.query(
      `CREATE TABLE "igny8_webhook_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "provider" character varying(16) NOT NULL, "event_id" character varying(255) NOT NULL, "event_type" character varying(100) NOT NULL, "account_id" bigint, "payload" jsonb NOT NULL, "processed" boolean NOT NULL DEFAULT false, "processed_at" TIMESTAMP WITH TIME ZONE, "processing_error" text, "attempts" integer NOT NULL DEFAULT '0', CONSTRAINT "igny8_webhook_events_attempts_check" CHECK ("attempts" >= 0), CONSTRAINT "igny8_webhook_events_provider_check" CHECK ("provider" IN ('stripe', 'paypal', 'manual')), CONSTRAINT "PK_6e5a4f36fc006a3dd05ed191748" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "igny8_webhook_events_account_id_idx" ON "igny8_webhook_events"  ("account_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "igny8_webhook_events_provider_event_id_uniq" ON "igny8_webhook_events"  ("provider", "event_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_account_payment_methods" ADD CONSTRAINT "FK_3656651266098bd0ec997604548" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_account_payment_methods" ADD CONSTRAINT "FK_7970ea93b0cbbcb2a41c9080501" FOREIGN KEY ("created_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_invoices" ADD CONSTRAINT "FK_010243f130b147f8cdeee3f01fb" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_invoices" ADD CONSTRAINT "FK_b3a604b0e0011a2d9aaa506429f" FOREIGN KEY ("subscription_id") REFERENCES "igny8_subscriptions"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_invoices" ADD CONSTRAINT "FK_2922ead9511c0c162c0e96c343d" FOREIGN KEY ("plan_id") REFERENCES "igny8_plans"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_invoices" ADD CONSTRAINT "FK_41119bde3a5405bbf5d441e5c54" FOREIGN KEY ("credit_package_id") REFERENCES "igny8_credit_packages"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_payments" ADD CONSTRAINT "FK_0912005fe8f0751a3450e740c3d" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_payments" ADD CONSTRAINT "FK_ecdf5b2898325eebac4897c0c07" FOREIGN KEY ("invoice_id") REFERENCES "igny8_invoices"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_payments" ADD CONSTRAINT "FK_81babc90a9cf9c0f843122dd658" FOREIGN KEY ("approved_by") REFERENCES "igny8_users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_webhook_events" ADD CONSTRAINT "FK_9286817fbaf93e996c1a85a69d5" FOREIGN KEY ("account_id") REFERENCES "igny8_accounts"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    for (const table of TENANT_TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
      await queryRunner.query(`CREATE POLICY "tenant_isolation" ON "${table}" USING (${TENANT_ROW})`);
    }
    for (const [country, method, enabled, name, instructions, order] of PAYMENT_METHOD_CONFIGS) {
      await queryRunner.query(
        `INSERT INTO "igny8_payment_method_configs" (country_code, payment_method, is_enabled, display_name, instructions, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (country_code, payment_method) DO NOTHING`,
        [country, method, enabled, name, instructions, order],
      );
    }
    for (const [slug, name, credits, price, order] of CREDIT_PACKAGES) {
      await queryRunner.query(
        `INSERT INTO "igny8_credit_packages" (slug, name, credits, price, sort_order)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING`,
        [slug, name, credits, price, order],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) {
      await queryRunner.query(`DROP POLICY "tenant_isolation" ON "${table}"`);
    }
    await queryRunner.query(
      `ALTER TABLE "igny8_webhook_events" DROP CONSTRAINT "FK_9286817fbaf93e996c1a85a69d5"`,
    );
    await queryRunner.query(`ALTER TABLE "igny8_payments" DROP CONSTRAINT "FK_81babc90a9cf9c0f843122dd658"`);
    await queryRunner.query(`ALTER TABLE "igny8_payments" DROP CONSTRAINT "FK_ecdf5b2898325eebac4897c0c07"`);
    await queryRunner.query(`ALTER TABLE "igny8_payments" DROP CONSTRAINT "FK_0912005fe8f0751a3450e740c3d"`);
    await queryRunner.query(`ALTER TABLE "igny8_invoices" DROP CONSTRAINT "FK_41119bde3a5405bbf5d441e5c54"`);
    await queryRunner.query(`ALTER TABLE "igny8_invoices" DROP CONSTRAINT "FK_2922ead9511c0c162c0e96c343d"`);
    await queryRunner.query(`ALTER TABLE "igny8_invoices" DROP CONSTRAINT "FK_b3a604b0e0011a2d9aaa506429f"`);
    await queryRunner.query(`ALTER TABLE "igny8_invoices" DROP CONSTRAINT "FK_010243f130b147f8cdeee3f01fb"`);
    await queryRunner.query(
      `ALTER TABLE "igny8_account_payment_methods" DROP CONSTRAINT "FK_7970ea93b0cbbcb2a41c9080501"`,
    );
    await queryRunner.query(
      `ALTER TABLE "igny8_account_payment_methods" DROP CONSTRAINT "FK_3656651266098bd0ec997604548"`,
    );
    await queryRunner.query(`DROP INDEX "public"."igny8_webhook_events_provider_event_id_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_webhook_events_account_id_idx"`);
    await queryRunner.query(`DROP TABLE "igny8_webhook_events"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_payments_account_id_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_payments_status_created_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_payments_invoice_id_pending_approval_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_payments_external_payment_id_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_payments_approved_by_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_payments_invoice_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_payments_account_id_idx"`);
    await queryRunner.query(`DROP TABLE "igny8_payments"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_payment_method_configs_country_method_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_payment_method_configs"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_invoices_account_id_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_invoices_status_expires_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_invoices_credit_package_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_invoices_plan_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_invoices_subscription_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_invoices_invoice_number_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_invoices_account_id_idx"`);
    await queryRunner.query(`DROP TABLE "igny8_invoices"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_credit_packages_slug_uniq"`);
    await queryRunner.query(`DROP TABLE "igny8_credit_packages"`);
    await queryRunner.query(`DROP INDEX "public"."igny8_account_payment_methods_default_uniq"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_7970ea93b0cbbcb2a41c908050"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_3656651266098bd0ec99760454"`);
    await queryRunner.query(`DROP TABLE "igny8_account_payment_methods"`);
  }
}
