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
