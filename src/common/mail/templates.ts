/**
 * The email templates the API sends (by template key). These built-in texts seed the
 * `igny8_email_templates` rows developers edit (template-store.ts). `{{name}}` placeholders are
 * replaced by the message's variables; HTML bodies get HTML-escaped values.
 */
export const TEMPLATE_KEYS = [
  'welcome',
  'password_reset',
  'password_changed',
  'team_invite',
  'notification',
  'invoice_created',
  'payment_approved',
  'renewal_notice',
  'renewal_reminder',
  'account_suspended',
  'credit_invoice_expiring',
  'payment_submitted',
  'payment_rejected',
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

interface Template {
  subject: string;
  text: string;
  html: string;
}

const TEMPLATES: Record<TemplateKey, Template> = {
  welcome: {
    subject: 'Welcome to IGNY8',
    text: 'Hi {{name}},\n\nYour IGNY8 workspace "{{account_name}}" is ready.\nSign in at {{login_url}}\n',
    html: '<p>Hi {{name}},</p><p>Your IGNY8 workspace <strong>{{account_name}}</strong> is ready.</p><p><a href="{{login_url}}">Sign in</a></p>',
  },
  password_reset: {
    subject: 'Reset your IGNY8 password',
    text: 'Hi {{name}},\n\nUse this link within one hour to choose a new password:\n{{reset_link}}\n\nIf you did not ask for it, ignore this email.\n',
    html: '<p>Hi {{name}},</p><p>Use this link within one hour to choose a new password:</p><p><a href="{{reset_link}}">{{reset_link}}</a></p><p>If you did not ask for it, ignore this email.</p>',
  },
  password_changed: {
    subject: 'Your IGNY8 password was changed',
    text: 'Hi {{name}},\n\nThe password of your IGNY8 account was just changed and every other session was signed out.\nIf this was not you, reset your password at {{reset_url}}\n',
    html: '<p>Hi {{name}},</p><p>The password of your IGNY8 account was just changed and every other session was signed out.</p><p>If this was not you, <a href="{{reset_url}}">reset your password</a>.</p>',
  },
  team_invite: {
    subject: 'You have been invited to IGNY8',
    text: 'Hi {{name}},\n\n{{inviter}} added you to the IGNY8 workspace "{{account_name}}".\nChoose your password within one hour:\n{{reset_link}}\n',
    html: '<p>Hi {{name}},</p><p>{{inviter}} added you to the IGNY8 workspace <strong>{{account_name}}</strong>.</p><p>Choose your password within one hour: <a href="{{reset_link}}">{{reset_link}}</a></p>',
  },
  notification: {
    subject: '{{title}}',
    text: 'Hi {{name}},\n\n{{message}}\n\n{{action_label}}: {{action_url}}\n\nYou get this email because you chose email for these notifications in IGNY8: {{preferences_url}}\n',
    html: '<p>Hi {{name}},</p><p>{{message}}</p><p><a href="{{action_url}}">{{action_label}}</a></p><p style="color:#666;font-size:12px">You get this email because you chose email for these notifications in IGNY8. <a href="{{preferences_url}}">Change your preferences</a>.</p>',
  },
  invoice_created: {
    subject: 'IGNY8 invoice {{invoice_number}}',
    text: 'Hi {{name}},\n\nInvoice {{invoice_number}} for "{{account_name}}" was issued: {{total}} {{currency}}, due {{due_date}}.\nView and pay it at {{billing_url}}\n',
    html: '<p>Hi {{name}},</p><p>Invoice <strong>{{invoice_number}}</strong> for <strong>{{account_name}}</strong> was issued: {{total}} {{currency}}, due {{due_date}}.</p><p><a href="{{billing_url}}">View and pay it</a></p>',
  },
  payment_approved: {
    subject: 'Payment received for IGNY8 invoice {{invoice_number}}',
    text: 'Hi {{name}},\n\nWe received your payment of {{amount}} {{currency}} for invoice {{invoice_number}} ("{{account_name}}"). Thank you.\nYour invoices: {{billing_url}}\n',
    html: '<p>Hi {{name}},</p><p>We received your payment of {{amount}} {{currency}} for invoice <strong>{{invoice_number}}</strong> ({{account_name}}). Thank you.</p><p><a href="{{billing_url}}">Your invoices</a></p>',
  },
  renewal_notice: {
    subject: 'Your IGNY8 plan renews on {{period_end}}',
    text: 'Hi {{name}},\n\nThe {{plan_name}} plan of "{{account_name}}" renews on {{period_end}}. Invoice {{invoice_number}} ({{total}} {{currency}}) is ready; pay it before that date to keep your credits and features.\nPay it at {{billing_url}}\n',
    html: '<p>Hi {{name}},</p><p>The {{plan_name}} plan of <strong>{{account_name}}</strong> renews on {{period_end}}. Invoice <strong>{{invoice_number}}</strong> ({{total}} {{currency}}) is ready; pay it before that date to keep your credits and features.</p><p><a href="{{billing_url}}">Pay it</a></p>',
  },
  renewal_reminder: {
    subject: 'Your IGNY8 renewal is overdue',
    text: 'Hi {{name}},\n\nThe {{plan_name}} plan of "{{account_name}}" ended on {{period_end}} and its renewal is unpaid, so its plan credits have expired (purchased credits are kept). The account is suspended on {{suspension_date}} unless the renewal is paid.\nPay it at {{billing_url}}\n',
    html: '<p>Hi {{name}},</p><p>The {{plan_name}} plan of <strong>{{account_name}}</strong> ended on {{period_end}} and its renewal is unpaid, so its plan credits have expired (purchased credits are kept). The account is suspended on {{suspension_date}} unless the renewal is paid.</p><p><a href="{{billing_url}}">Pay it</a></p>',
  },
  account_suspended: {
    subject: 'Your IGNY8 account is suspended',
    text: 'Hi {{name}},\n\nThe account "{{account_name}}" is suspended because its renewal, due {{period_end}}, is still unpaid. Paying the renewal invoice re-activates it at once.\nPay it at {{billing_url}}\n',
    html: '<p>Hi {{name}},</p><p>The account <strong>{{account_name}}</strong> is suspended because its renewal, due {{period_end}}, is still unpaid. Paying the renewal invoice re-activates it at once.</p><p><a href="{{billing_url}}">Pay it</a></p>',
  },
  credit_invoice_expiring: {
    subject: 'IGNY8 invoice {{invoice_number}} expires on {{expires_at}}',
    text: 'Hi {{name}},\n\nInvoice {{invoice_number}} of "{{account_name}}" for {{description}} ({{total}} {{currency}}) is still unpaid and expires on {{expires_at}}. After that it is void and the credits have to be bought again.\nPay it at {{billing_url}}\n',
    html: '<p>Hi {{name}},</p><p>Invoice <strong>{{invoice_number}}</strong> of <strong>{{account_name}}</strong> for {{description}} ({{total}} {{currency}}) is still unpaid and expires on {{expires_at}}. After that it is void and the credits have to be bought again.</p><p><a href="{{billing_url}}">Pay it</a></p>',
  },
  payment_submitted: {
    subject: 'We received your payment details for IGNY8 invoice {{invoice_number}}',
    text: 'Hi {{name}},\n\nYour payment of {{amount}} {{currency}} for invoice {{invoice_number}} ("{{account_name}}"), reference {{transaction_reference}}, was submitted and waits for our approval. We email you once it is checked.\nYour invoices: {{billing_url}}\n',
    html: '<p>Hi {{name}},</p><p>Your payment of {{amount}} {{currency}} for invoice <strong>{{invoice_number}}</strong> ({{account_name}}), reference {{transaction_reference}}, was submitted and waits for our approval. We email you once it is checked.</p><p><a href="{{billing_url}}">Your invoices</a></p>',
  },
  payment_rejected: {
    subject: 'Your payment for IGNY8 invoice {{invoice_number}} was not approved',
    text: 'Hi {{name}},\n\nThe payment of {{amount}} {{currency}} you submitted for invoice {{invoice_number}} ("{{account_name}}"), reference {{transaction_reference}}, was not approved.\nReason: {{reason}}\nThe invoice is still unpaid; pay it or submit the payment again at {{billing_url}}\n',
    html: '<p>Hi {{name}},</p><p>The payment of {{amount}} {{currency}} you submitted for invoice <strong>{{invoice_number}}</strong> ({{account_name}}), reference {{transaction_reference}}, was not approved.</p><p>Reason: {{reason}}</p><p>The invoice is still unpaid; <a href="{{billing_url}}">pay it or submit the payment again</a>.</p>',
  },
};

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function fill(template: string, variables: Record<string, string>, escape: (v: string) => string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) =>
    escape(Object.hasOwn(variables, name) ? variables[name] : ''),
  );
}

export function renderTemplate(key: TemplateKey, variables: Record<string, string>): RenderedMail {
  return renderTexts(TEMPLATES[key], variables);
}

/** Fills a template's texts: HTML-escaped values in the HTML body, one-line values in the subject. */
export function renderTexts(template: RenderedMail, variables: Record<string, string>): RenderedMail {
  const plain = (value: string) => value.replace(/[\r\n]+/g, ' ');
  return {
    subject: fill(template.subject, variables, plain),
    text: fill(template.text, variables, (value) => value),
    html: fill(template.html, variables, escapeHtml),
  };
}

/** The built-in texts of a template; they seed its `igny8_email_templates` row (template-store.ts). */
export function builtInTemplate(key: TemplateKey): RenderedMail {
  return TEMPLATES[key];
}
