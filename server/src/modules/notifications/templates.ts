/**
 * Default email templates (Liquid). The notifications issue makes them editable per event and
 * channel; until then these are what Usher sends. `html` is rendered by an engine that escapes every
 * output, since values such as member names and alert texts come from outside; links go in `href`
 * attributes, where escaping is what HTML expects.
 */
export type EmailEvent =
  | 'account_confirmation'
  | 'password_reset'
  | 'login_code'
  | 'registration_attempt'
  | 'registration_members_only'
  | 'admin_alert'
  | 'member_invite'
  | 'payment_received'
  | 'payment_failed'
  | 'stream_enforced';

/**
 * Variables that are one-time secrets (a confirmation or reset link, a login code). A message using
 * them is stored with a masked subject and has its body removed from the outbox once sent.
 */
export const secretEmailVars: Partial<Record<EmailEvent, readonly string[]>> = {
  account_confirmation: ['link'],
  password_reset: ['link'],
  login_code: ['code'],
  member_invite: ['password'],
};

export const defaultEmailTemplates: Record<EmailEvent, { subject: string; text: string; html: string }> = {
  account_confirmation: {
    subject: 'Confirm your {{ site.name }} account',
    text: `Hello,

Please confirm your email address to finish creating your {{ site.name }} account:

{{ link }}

The link expires in {{ expiresHours }} hours. If you did not sign up, ignore this email.`,
    html: `<p>Hello,</p>
<p>Please confirm your email address to finish creating your {{ site.name }} account:</p>
<p><a href="{{ link }}">Confirm my email address</a></p>
<p>The link expires in {{ expiresHours }} hours. If you did not sign up, ignore this email.</p>`,
  },
  password_reset: {
    subject: 'Reset your {{ site.name }} password',
    text: `Hello,

Someone asked to reset the password of your {{ site.name }} account. To choose a new password, open:

{{ link }}

The link works once and expires in {{ expiresMinutes }} minutes. If it was not you, ignore this email;
your password has not changed.`,
    html: `<p>Hello,</p>
<p>Someone asked to reset the password of your {{ site.name }} account. To choose a new password, open:</p>
<p><a href="{{ link }}">Choose a new password</a></p>
<p>The link works once and expires in {{ expiresMinutes }} minutes. If it was not you, ignore this email;
your password has not changed.</p>`,
  },
  login_code: {
    subject: 'Your {{ site.name }} login code: {{ code }}',
    text: `Your {{ site.name }} login code is {{ code }}.

It expires in {{ expiresMinutes }} minutes. If you did not try to log in, change your password.`,
    html: `<p>Your {{ site.name }} login code is <strong>{{ code }}</strong>.</p>
<p>It expires in {{ expiresMinutes }} minutes. If you did not try to log in, change your password.</p>`,
  },
  registration_attempt: {
    subject: 'Someone tried to sign up to {{ site.name }} with your email',
    text: `Hello,

Someone tried to create a {{ site.name }} account with this email address, which already has one.
Nothing was changed. If it was you, log in instead; if you forgot your password, reset it here:

{{ resetUrl }}

If it was not you, you can ignore this email.`,
    html: `<p>Hello,</p>
<p>Someone tried to create a {{ site.name }} account with this email address, which already has one.
Nothing was changed. If it was you, log in instead; if you forgot your password, reset it here:</p>
<p><a href="{{ resetUrl }}">Reset my password</a></p>
<p>If it was not you, you can ignore this email.</p>`,
  },
  registration_members_only: {
    subject: 'About your {{ site.name }} sign-up',
    text: `Hello,

Someone asked to create a {{ site.name }} account with this email address. Sign-up is open only to
people who already use one of our media servers, and this address is not one we know, so no account
was created.

If you do use our servers, sign up again with the email address of your media-server account. If it
was not you, you can ignore this email.`,
    html: `<p>Hello,</p>
<p>Someone asked to create a {{ site.name }} account with this email address. Sign-up is open only to
people who already use one of our media servers, and this address is not one we know, so no account
was created.</p>
<p>If you do use our servers, sign up again with the email address of your media-server account. If it
was not you, you can ignore this email.</p>`,
  },
  admin_alert: {
    subject: '[{{ site.name }}] {{ title }}',
    text: `{{ message }}

Open the admin alerts: {{ link }}`,
    html: `<p><strong>{{ title }}</strong></p>
<p>{{ message }}</p>
<p><a href="{{ link }}">Open the admin alerts</a></p>`,
  },
  member_invite: {
    subject: 'You are invited to {{ serverName }}',
    text: `Hello,

You now have access to {{ serverName }} ({{ serverKind }}).
{% if plex %}
To accept: sign in at https://app.plex.tv with this email address and accept the invite from
{{ serverName }} (Plex also emails you the invite). Its libraries then appear in every Plex app.
{% else %}
Server address: {{ serverUrl }}
Username: {{ username }}
{% if password != "" %}Password: {{ password }}

Sign in with any {{ serverKind }} app and change the password in your profile.
{% endif %}{% endif %}
{% if site.url != "" %}Your subscription: {{ site.url }}{% endif %}`,
    html: `<p>Hello,</p>
<p>You now have access to <strong>{{ serverName }}</strong> ({{ serverKind }}).</p>
{% if plex %}<p>To accept: sign in at <a href="https://app.plex.tv">app.plex.tv</a> with this email address and accept the
invite from {{ serverName }} (Plex also emails you the invite). Its libraries then appear in every Plex app.</p>
{% else %}<p>Server address: <a href="{{ serverUrl }}">{{ serverUrl }}</a><br>Username: {{ username }}{% if password != "" %}<br>Password: {{ password }}{% endif %}</p>
{% if password != "" %}<p>Sign in with any {{ serverKind }} app and change the password in your profile.</p>{% endif %}{% endif %}
{% if site.url != "" %}<p><a href="{{ site.url }}">Your subscription</a></p>{% endif %}`,
  },
  payment_received: {
    subject: 'Payment received: {{ planName }}',
    text: `Hello,

We received your payment of {{ amount }} for {{ planName }}. Your access runs until {{ until }}.
{% if site.url != "" %}
Your subscription: {{ site.url }}{% endif %}`,
    html: `<p>Hello,</p>
<p>We received your payment of {{ amount }} for <strong>{{ planName }}</strong>. Your access runs until {{ until }}.</p>
{% if site.url != "" %}<p><a href="{{ site.url }}">Your subscription</a></p>{% endif %}`,
  },
  payment_failed: {
    subject: 'Your {{ site.name }} renewal could not be charged',
    text: `Hello,

The renewal of {{ planName }} could not be charged. You keep access until {{ graceUntil }}; to keep it
after that, pay here:

{{ payLink }}`,
    html: `<p>Hello,</p>
<p>The renewal of <strong>{{ planName }}</strong> could not be charged. You keep access until {{ graceUntil }}; to keep it
after that, pay here:</p>
<p><a href="{{ payLink }}">Pay now</a></p>`,
  },
  stream_enforced: {
    subject: '{% if stopped %}A stream was stopped{% else %}Your plan’s limits{% endif %} on {{ serverName }}',
    text: `Hello {{ name }},
{% for reason in reasons %}
- {{ reason }}{% endfor %}
{% if stopped %}
The stream was stopped on {{ serverName }}.{% endif %}
{% if site.url != "" %}Your subscription: {{ site.url }}{% endif %}`,
    html: `<p>Hello {{ name }},</p>
<ul>{% for reason in reasons %}<li>{{ reason }}</li>{% endfor %}</ul>
{% if stopped %}<p>The stream was stopped on {{ serverName }}.</p>{% endif %}
{% if site.url != "" %}<p><a href="{{ site.url }}">Your subscription</a></p>{% endif %}`,
  },
};
