/**
 * Default email templates (Liquid). The notifications issue makes them editable per event and
 * channel; until then these are what Usher sends.
 */
export type EmailEvent = 'account_confirmation' | 'password_reset' | 'login_code' | 'admin_alert';

export const defaultEmailTemplates: Record<EmailEvent, { subject: string; text: string }> = {
  account_confirmation: {
    subject: 'Confirm your {{ site.name }} account',
    text: `Hello,

Please confirm your email address to finish creating your {{ site.name }} account:

{{ link }}

The link expires in {{ expiresHours }} hours. If you did not sign up, ignore this email.`,
  },
  password_reset: {
    subject: 'Reset your {{ site.name }} password',
    text: `Hello,

Someone asked to reset the password of your {{ site.name }} account. To choose a new password, open:

{{ link }}

The link works once and expires in {{ expiresMinutes }} minutes. If it was not you, ignore this email;
your password has not changed.`,
  },
  login_code: {
    subject: 'Your {{ site.name }} login code: {{ code }}',
    text: `Your {{ site.name }} login code is {{ code }}.

It expires in {{ expiresMinutes }} minutes. If you did not try to log in, change your password.`,
  },
  admin_alert: {
    subject: '[{{ site.name }}] {{ title }}',
    text: `{{ message }}

Open the admin alerts: {{ link }}`,
  },
};
