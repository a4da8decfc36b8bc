import { humanize } from '../../../lib/format';

export type FieldKind = 'boolean' | 'number' | 'string' | 'enum' | 'list' | 'currency' | 'timeZone';

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  label: string;
  description?: string;
  options?: { value: string; label: string }[];
  /** For lists: the items are numbers (sent back as numbers). */
  numeric?: boolean;
}

const PAYPAL_MODES = [
  { value: 'sandbox', label: 'Sandbox (testing)' },
  { value: 'live', label: 'Live' },
];

/** Fields whose values form a closed set; the API only says they are strings. */
const ENUMS: Record<string, { value: string; label: string }[]> = {
  'email.security': [
    { value: 'none', label: 'None (plain SMTP, port 25)' },
    { value: 'starttls', label: 'STARTTLS (usually port 587)' },
    { value: 'tls', label: 'TLS (usually port 465)' },
  ],
  'content.defaultColorScheme': [
    { value: 'auto', label: 'Follow the device' },
    { value: 'light', label: 'Light' },
    { value: 'dark', label: 'Dark' },
  ],
  'paymentGateways.refundPolicy': [
    { value: 'pro_rata', label: 'Shorten the period pro rata' },
    { value: 'end_period', label: 'End the period on a full refund' },
    { value: 'keep', label: 'Keep the period' },
  ],
  'paymentGateways.defaultGateway': [
    { value: 'stripe', label: 'Stripe' },
    { value: 'paypal', label: 'PayPal' },
    { value: 'plisio', label: 'Plisio' },
    { value: 'manual', label: 'Manual' },
  ],
  'paypal.mode': PAYPAL_MODES,
  'paypalSecondary.mode': PAYPAL_MODES,
};

const PICKERS: Record<string, 'currency' | 'timeZone'> = { 'general.currency': 'currency', 'general.timeZone': 'timeZone' };

/** Stored fields whose behaviour has not landed yet: kept as they are, not offered. */
const NOT_YET: ReadonlySet<string> = new Set([
  'subscriptions.subscriptionEnabled',
  'subscriptions.trialEnabled',
  'subscriptions.forceTrialBeforeSubscription',
  'subscriptions.maxTrialUsers',
]);

// Where the generated label ("Site url") reads badly or needs context.
const LABELS: Record<string, string> = {
  'general.siteUrl': 'Site URL',
  'general.adminEmail': 'Administrator email',
  'general.adminDiscordId': 'Administrator Discord ID',
  'general.contactPageEnabled': 'Contact page',
  'general.homePagePublic': 'Home page is public',
  'general.faqPagePublic': 'FAQ page is public',
  'general.showPricingSection': 'Show the pricing section',
  'email.enabled': 'Send email',
  'email.host': 'SMTP host',
  'email.port': 'SMTP port',
  'email.security': 'Connection security',
  'email.username': 'SMTP username',
  'email.password': 'SMTP password',
  'email.fromName': 'Sender name',
  'email.fromAddress': 'Sender address',
  'email.allowSelfSigned': 'Accept a self-signed server certificate',
  'email.outboxRetentionDays': 'Keep sent emails (days)',
  'registration.enabled': 'Visitors can register',
  'registration.publicEnabled': 'Show registration on public pages',
  'registration.requireEmailConfirmation': 'Require email confirmation',
  'registration.requireDiscord': 'Require Discord details at registration',
  'security.requireTwoFactorForAdmins': 'Require two-factor authentication for staff',
  'security.sessionDays': 'Session length (days)',
  'mediaServer.syncFromRemote': 'Sync from the media servers',
  'mediaServer.importNewUsersAsPermanent': 'Import new users as permanent',
  'mediaServer.syncSharedLibraries': 'Sync shared libraries to the servers',
  'subscriptions.advancedExpirationEnabled': 'Advanced expiration handling',
  'subscriptions.graceDays': 'Grace period (days)',
  'subscriptions.graceLibraryGroupIds': 'Library groups kept during the grace period',
  'subscriptions.deleteAfterDays': 'Delete expired members from the servers after (days)',
  'subscriptions.renewalGraceHours': 'Renewal grace (hours)',
  'mediaServer.ignoredPlexServers': 'Plex servers to ignore during sync',
  'mediaServer.requireEmbyConnect': 'Require Emby Connect',
  'mediaServer.defaultTemplateUser': 'Default template user (Jellyfin/Emby)',
  'misc.reinviteButtonEnabled': 'Show the “Re-invite me” button on My Account',
  'paymentGateways.refundPolicy': 'What a refund does to the paid period',
  'paymentGateways.dunningGraceDays': 'Access kept after a failed renewal (days)',
  'paymentGateways.defaultGateway': 'Default payment method',
  'paymentGateways.oneOffEnabled': 'Offer one-off payments',
  'paymentGateways.recurringEnabled': 'Offer recurring subscriptions',
  'stripe.enabled': 'Take payments with Stripe',
  'stripe.secretKey': 'Secret key',
  'stripe.webhookSecret': 'Webhook signing secret',
  ...paypalLabels('paypal'),
  ...paypalLabels('paypalSecondary'),
  'plisio.enabled': 'Take crypto payments with Plisio',
  'plisio.secretKey': 'Secret key',
  'enforcement.pollIntervalSeconds': 'Poll interval (seconds)',
  'enforcement.pausedStreamsCount': 'Paused streams count toward the stream limit',
  'enforcement.includePermanentMembers': 'Enforce limits on permanent members too',
  'enforcement.truncateIps': 'Store IP addresses truncated',
  'enforcement.historyRetentionDays': 'Keep stream history for (days)',
};

function paypalLabels(section: string): Record<string, string> {
  return {
    [`${section}.enabled`]: 'Take payments with this PayPal account',
    [`${section}.mode`]: 'Mode',
    [`${section}.clientId`]: 'REST app client ID',
    [`${section}.clientSecret`]: 'REST app secret',
    [`${section}.webhookId`]: 'Webhook ID',
    [`${section}.nvpUsername`]: 'NVP API username (optional)',
    [`${section}.nvpPassword`]: 'NVP API password (optional)',
    [`${section}.nvpSignature`]: 'NVP API signature (optional)',
  };
}

function paypalDescriptions(section: string): Record<string, string> {
  return {
    [`${section}.mode`]: 'Sandbox for testing with sandbox accounts; Live for real money. Switching needs the secrets typed again.',
    [`${section}.clientId`]: 'PayPal Developer Dashboard → Apps & Credentials → your REST app.',
    [`${section}.webhookId`]: 'Shown next to the webhook you added for the URL below; Usher checks every delivery with it.',
    [`${section}.nvpUsername`]:
      'Classic API credentials (Account settings → API access). With them, payment sync sees transactions at once instead of up to 3 hours late.',
  };
}

const DESCRIPTIONS: Record<string, string> = {
  'paymentGateways.defaultGateway': 'Listed first on the Subscribe page.',
  'paymentGateways.oneOffEnabled': 'Customers may pay for one period at a time, with any enabled gateway.',
  'paymentGateways.recurringEnabled':
    'Customers may subscribe, renewing automatically. A plan is sold this way only with its Stripe price ID or PayPal plan ID set.',
  'stripe.enabled': 'Offer Stripe on the Subscribe page once the secret key and webhook signing secret are saved.',
  'plisio.enabled': 'Offer crypto payments (one-off only) once the secret key is saved.',
  ...paypalDescriptions('paypal'),
  ...paypalDescriptions('paypalSecondary'),
  'general.siteUrl': 'The address customers use, such as https://watch.example.com. Every emailed link starts with it.',
  'general.currency': 'The currency prices are shown and charged in. Type to search by code or name.',
  'general.timeZone': 'Used for dates shown to people. Type to search, e.g. Paris or New_York.',
  'general.adminEmail': 'Where admin alerts are emailed.',
  'email.enabled': 'Confirmations, password resets, login codes and alerts go out by email.',
  'email.fromAddress': 'The From address of every email.',
  'email.outboxRetentionDays':
    'Sent and failed emails are deleted from the outbox after this many days. One-time links and codes are removed as soon as an email is sent.',
  'email.host':
    'Changing the host, port or connection security needs the SMTP password typed again: the saved one is never sent to another server.',
  'security.requireTwoFactorForAdmins':
    'Every login with a role other than User (administrators and custom staff roles) must set up a second factor before using the admin panel; the API keys of a login without one stop working until it does.',
  'security.sessionDays': 'How long a login stays logged in without activity.',
  'paymentGateways.refundPolicy':
    'Pro rata: the period shrinks to what the kept money paid for. End period: a full refund ends access now (a partial one is pro rata). Keep: the period stays; only the amount changes.',
  'paymentGateways.dunningGraceDays':
    'When a subscription renewal cannot be charged, the member keeps access this many days and is emailed a link to pay. The next successful renewal replaces the grace. 0 turns it off.',
  'registration.requireEmailConfirmation': 'New customers must open a link we email them before they can log in.',
  'mediaServer.syncFromRemote': 'Every hour, read each server’s name, libraries, members and shares. Keep it on.',
  'subscriptions.advancedExpirationEnabled':
    'Instead of losing every library at expiry, an expired member keeps the groups below for the grace period.',
  'subscriptions.graceLibraryGroupIds': 'Library group ids, as shown on the Library Groups page. Press Enter after each one.',
  'subscriptions.deleteAfterDays':
    'At expiry a member loses their libraries (Plex: the share is removed; Jellyfin/Emby: the account stays, empty). The account is deleted this many days later; 0 deletes it at the first pass after expiry.',
  'subscriptions.renewalGraceHours':
    'A member whose PayPal or Stripe subscription is active stays active this long after the paid period ends, because renewals arrive late.',
  'mediaServer.syncSharedLibraries':
    'Share and unshare libraries on the servers so every member has exactly what their plan gives. Off: Usher only computes the changes; see Servers & Libraries → Access changes first.',
  'mediaServer.importNewUsersAsPermanent':
    'Once a server’s first import is done, accounts that appear on it later become permanent members. When off, they become standard members.',
  'mediaServer.defaultTemplateUser':
    'A user that exists on every Jellyfin and Emby server under this name. New members copy its settings; sync never imports it.',
  'mediaServer.requireEmbyConnect': 'Emby members must register with an Emby Connect account.',
  'misc.reinviteButtonEnabled':
    'An active member who lost their server access can ask to be shared again, at most once every 15 minutes. Needs “Sync shared libraries to the servers” on.',
  'enforcement.pollIntervalSeconds':
    'Server events (Plex, Jellyfin and Emby websockets) are acted on within seconds; every server is also read this often, which catches anything an event missed. 10 to 600.',
  'enforcement.pausedStreamsCount': 'A paused stream still takes one of the plan’s streams.',
  'enforcement.includePermanentMembers': 'Permanent members are exempt from every limit unless this is on.',
  'enforcement.truncateIps': 'IP addresses are personal data: keep only the network part (IPv4 /24, IPv6 /48) in the stream history and on Now playing.',
  'enforcement.historyRetentionDays': 'Older streams are deleted every night.',
  'mediaServer.ignoredPlexServers': 'By server name or machine id, e.g. beyond your licence’s server count. Press Enter after each one.',
};

export function fieldSpecs(section: string, values: Record<string, unknown>): FieldSpec[] {
  return Object.entries(values)
    .filter(([key]) => !NOT_YET.has(`${section}.${key}`))
    .map(([key, value]) => {
      const id = `${section}.${key}`;
      const base = { key, label: LABELS[id] ?? humanize(key), ...(DESCRIPTIONS[id] ? { description: DESCRIPTIONS[id] } : {}) };
      const options = ENUMS[id];
      if (options) return { ...base, kind: 'enum', options };
      // Pickers, not free text: a typo in a currency or zone would only show up on a customer's bill.
      if (PICKERS[id]) return { ...base, kind: PICKERS[id] };
      if (typeof value === 'boolean') return { ...base, kind: 'boolean' };
      if (typeof value === 'number') return { ...base, kind: 'number' };
      if (Array.isArray(value)) return { ...base, kind: 'list', numeric: value.length > 0 && value.every((v) => typeof v === 'number') };
      return { ...base, kind: 'string' };
    });
}

export function secretLabel(section: string, key: string): string {
  return LABELS[`${section}.${key}`] ?? humanize(key);
}
