import { z } from 'zod';
import { customCssProblem, MAX_CUSTOM_CSS_LENGTH } from '../../domain/custom-css.js';
import { isIsoCurrency } from '../../domain/money.js';

/**
 * The typed settings tree: one zod object per tab of the admin Settings page, every field with a
 * default. Stored as a diff from these defaults, so a new default reaches every install that never
 * changed the field. Fields listed in `secrets` are sealed at rest and write-only over the API.
 * `live` marks the sections whose behaviour exists; the admin page shows only those.
 */
// Settings URLs end up in emails and links: only web addresses, never javascript:, data: or ftp:.
const optionalUrl = z
  .string()
  .trim()
  .max(500)
  .refine((value) => value === '' || isHttpUrl(value), 'Enter a full address starting with http:// or https://');
// Images shown on the public pages: https only, or the browser warns about mixed content.
const optionalHttpsUrl = z
  .string()
  .trim()
  .max(500)
  .refine((value) => value === '' || (isHttpUrl(value) && value.toLowerCase().startsWith('https://')), 'Enter a full address starting with https://');
const optionalEmail = z.union([z.email(), z.literal('')], { error: 'a valid email address' });
const snowflake = z.union([z.string().regex(/^\d{15,21}$/, 'a numeric Discord ID'), z.literal('')]);

export const settingsSections = {
  general: {
    title: 'General',
    live: true,
    secrets: [] as const,
    schema: z.object({
      siteName: z.string().trim().min(1).max(100).default('Usher'),
      siteUrl: optionalUrl.default(''),
      adminEmail: optionalEmail.default(''),
      adminDiscordId: snowflake.default(''),
      contactPageEnabled: z.boolean().default(false),
      homePagePublic: z.boolean().default(true),
      faqPagePublic: z.boolean().default(true),
      showPricingSection: z.boolean().default(true),
      currency: z
        .string()
        .refine((code) => isIsoCurrency(code), 'an ISO 4217 currency code such as USD')
        .default('USD'),
      timeZone: z
        .string()
        .refine((tz) => isTimeZone(tz), 'an IANA time zone such as Europe/Paris')
        .default('UTC'),
    }),
  },
  email: {
    title: 'Email',
    live: true,
    secrets: ['password'] as const,
    /** A secret is sent only to the target it was entered for: changing one of these needs it again. */
    secretTargets: { password: ['host', 'port', 'security'] },
    schema: z.object({
      enabled: z.boolean().default(false),
      host: z.string().trim().max(255).default(''),
      port: z.number().int().min(1).max(65535).default(587),
      security: z.enum(['none', 'starttls', 'tls']).default('starttls'),
      username: z.string().max(255).default(''),
      password: z.string().max(1024).default(''),
      fromName: z.string().max(100).default('Usher'),
      fromAddress: optionalEmail.default(''),
      allowSelfSigned: z.boolean().default(false),
      /** Sent and failed emails are deleted from the outbox after this many days. */
      outboxRetentionDays: z.number().int().min(1).max(3650).default(30),
    }),
  },
  registration: {
    title: 'Registration',
    live: true,
    secrets: [] as const,
    schema: z.object({
      enabled: z.boolean().default(true),
      publicEnabled: z.boolean().default(true),
      requireEmailConfirmation: z.boolean().default(true),
      requireDiscord: z.boolean().default(false),
    }),
  },
  security: {
    title: 'Security',
    live: true,
    secrets: [] as const,
    schema: z.object({
      requireTwoFactorForAdmins: z.boolean().default(false),
      sessionDays: z.number().int().min(1).max(365).default(30),
    }),
  },
  discord: {
    title: 'Discord notifications',
    live: false,
    secrets: ['botToken', 'adminWebhookUrl'] as const,
    schema: z.object({
      enabled: z.boolean().default(false),
      botToken: z.string().default(''),
      guildId: snowflake.default(''),
      adminChannelId: snowflake.default(''),
      adminWebhookUrl: optionalUrl.default(''),
    }),
  },
  paymentGateways: {
    title: 'Payment gateways',
    live: true,
    secrets: [] as const,
    schema: z.object({
      defaultGateway: z.enum(['stripe', 'paypal', 'plisio', 'manual']).default('manual'),
      /** Checkout offers one-off (pay-as-you-go) periods, recurring subscriptions, or both. */
      oneOffEnabled: z.boolean().default(true),
      recurringEnabled: z.boolean().default(true),
      /** What a refund does to the period it paid for: end it, shorten it pro rata, or keep it. */
      refundPolicy: z.enum(['end_period', 'pro_rata', 'keep']).default('pro_rata'),
      /** A failed renewal keeps access this many days (a zero-amount grace period the renewal voids). */
      dunningGraceDays: z.number().int().min(0).max(30).default(3),
    }),
  },
  // One section per gateway account. Where each gateway lives is an environment variable, never a
  // setting: a typed-in host would receive the secret key.
  stripe: {
    title: 'Stripe',
    live: true,
    secrets: ['secretKey', 'webhookSecret'] as const,
    schema: z.object({
      enabled: z.boolean().default(false),
      secretKey: z.string().trim().max(255).default(''),
      /** The endpoint's signing secret (whsec_…), shown once when the webhook endpoint is added. */
      webhookSecret: z.string().trim().max(255).default(''),
    }),
  },
  paypal: {
    title: 'PayPal',
    live: true,
    secrets: ['clientSecret', 'nvpPassword', 'nvpSignature'] as const,
    // Sandbox and live are different hosts: switching needs the secrets typed again.
    secretTargets: { clientSecret: ['mode'], nvpPassword: ['mode'], nvpSignature: ['mode'] },
    schema: paypalAccountSchema(),
  },
  paypalSecondary: {
    title: 'PayPal (secondary account)',
    live: true,
    secrets: ['clientSecret', 'nvpPassword', 'nvpSignature'] as const,
    secretTargets: { clientSecret: ['mode'], nvpPassword: ['mode'], nvpSignature: ['mode'] },
    schema: paypalAccountSchema(),
  },
  plisio: {
    title: 'Plisio (crypto)',
    live: true,
    secrets: ['secretKey'] as const,
    schema: z.object({
      enabled: z.boolean().default(false),
      secretKey: z.string().trim().max(255).default(''),
    }),
  },
  reminders: {
    title: 'Payment reminders',
    live: false,
    secrets: [] as const,
    schema: z.object({
      enabled: z.boolean().default(true),
      daysPrior: z.array(z.number().int().min(0).max(60)).max(10).default([3, 1]),
    }),
  },
  subscriptions: {
    title: 'Subscriptions & trials',
    live: true,
    secrets: [] as const,
    schema: z.object({
      subscriptionEnabled: z.boolean().default(true),
      trialEnabled: z.boolean().default(false),
      forceTrialBeforeSubscription: z.boolean().default(false),
      maxTrialUsers: z.number().int().min(0).default(0),
      /** Advanced expiration handling (reference §2.5.7): the grace library groups stay shared for `graceDays`. */
      advancedExpirationEnabled: z.boolean().default(false),
      graceDays: z.number().int().min(0).max(365).default(7),
      graceLibraryGroupIds: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
      /** Days after expiry until the remote account is deleted; 0 deletes at the first pass (reference §2.5.10). */
      deleteAfterDays: z.number().int().min(0).max(365).default(0),
      /** A member with a live gateway subscription stays active this long past `to`: renewals arrive late. */
      renewalGraceHours: z.number().int().min(0).max(720).default(48),
    }),
  },
  requestApps: {
    title: 'Request apps',
    live: false,
    secrets: [] as const,
    schema: z.object({
      syncEnabled: z.boolean().default(false),
    }),
  },
  discordIntegration: {
    title: 'Discord integration',
    live: false,
    secrets: [] as const,
    schema: z.object({
      syncEnabled: z.boolean().default(false),
      subscriberRoleName: z.string().default('Subscriber'),
      trialRoleName: z.string().default('Trial'),
      kickUsers: z.boolean().default(false),
      kickAfterDays: z.number().int().min(0).default(0),
    }),
  },
  mediaServer: {
    title: 'Media server integration',
    live: true,
    secrets: [] as const,
    schema: z.object({
      syncFromRemote: z.boolean().default(true),
      /**
       * Remote writes start switched off (reference §2.5.10 "sync shared libraries to the remote
       * server"): until the admin turns this on, the reconciler only computes (Access changes page).
       */
      syncSharedLibraries: z.boolean().default(false),
      importNewUsersAsPermanent: z.boolean().default(false),
      defaultTemplateUser: z.string().trim().max(100).default(''),
      requireEmbyConnect: z.boolean().default(false),
      ignoredPlexServers: z.array(z.string().trim().min(1).max(200)).max(200).default([]),
    }),
  },
  enforcement: {
    title: 'Enforcement',
    live: true,
    secrets: [] as const,
    schema: z.object({
      /** How often every server's sessions are read when no event arrives (events react at once). */
      pollIntervalSeconds: z.number().int().min(10).max(600).default(60),
      /** A paused stream still takes one of the plan's streams. */
      pausedStreamsCount: z.boolean().default(true),
      /** Permanent members are exempt from every limit (reference §1.2.3) unless this is on. */
      includePermanentMembers: z.boolean().default(false),
      /** IP addresses are personal data: keep only the network part (IPv4 /24, IPv6 /48). */
      truncateIps: z.boolean().default(false),
      historyRetentionDays: z.number().int().min(1).max(3650).default(90),
    }),
  },
  referrals: {
    title: 'Referrals',
    live: false,
    secrets: [] as const,
    schema: z.object({
      allowReferralRegistrations: z.boolean().default(false),
      bonusEnabled: z.boolean().default(false),
      bonusPercent: z.number().min(0).max(100).default(20),
      bonusMinMinor: z.number().int().min(0).default(0),
      bonusMaxMinor: z.number().int().min(0).default(0),
    }),
  },
  content: {
    title: 'Custom content',
    live: true,
    secrets: [] as const,
    // Markdown fields are rendered to sanitised HTML by the public site (domain/markdown.ts).
    schema: z.object({
      primaryColor: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/)
        .default('#7048e8'),
      defaultColorScheme: z.enum(['light', 'dark', 'auto']).default('auto'),
      /** Addresses, not uploads: nothing to store or scan, and the image host does the serving. */
      logoUrl: optionalHttpsUrl.default(''),
      wallpaperUrl: optionalHttpsUrl.default(''),
      homeSection1: z.string().max(20000).default(''),
      homeSection2: z.string().max(20000).default(''),
      pricingText: z.string().max(5000).default(''),
      showLibraryStats: z.boolean().default(true),
      libraryStatsText: z.string().max(5000).default(''),
      faq: z
        .array(z.object({ question: z.string().trim().min(1).max(300), answer: z.string().max(10000) }))
        .max(100)
        .default([]),
      extraCss: z
        .string()
        .max(MAX_CUSTOM_CSS_LENGTH)
        .superRefine((css, ctx) => {
          const problem = customCssProblem(css);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .default(''),
    }),
  },
  onboarding: {
    // Kept by Usher itself (the dashboard's "Getting started" card), not a tab of the Settings page.
    title: 'Getting started',
    live: false,
    secrets: [] as const,
    schema: z.object({
      checklistDismissed: z.boolean().default(false),
      emailTestSentAt: z.union([z.iso.datetime(), z.literal('')]).default(''),
      /** When a payment gateway's credentials test last passed. */
      gatewayTestedAt: z.union([z.iso.datetime(), z.literal('')]).default(''),
    }),
  },
  misc: {
    title: 'Miscellaneous',
    live: false,
    secrets: [] as const,
    schema: z.object({
      reinviteButtonEnabled: z.boolean().default(true),
      plexAccountChangeProcessing: z.boolean().default(false),
    }),
  },
} as const;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A PayPal REST app, its webhook id (each account verifies its own deliveries) and optional NVP credentials. */
function paypalAccountSchema() {
  return z.object({
    enabled: z.boolean().default(false),
    mode: z.enum(['sandbox', 'live']).default('sandbox'),
    clientId: z.string().trim().max(255).default(''),
    clientSecret: z.string().trim().max(255).default(''),
    webhookId: z.string().trim().max(100).default(''),
    /** Classic NVP API credentials: when set, transaction sync uses TransactionSearch (no 3-hour delay). */
    nvpUsername: z.string().trim().max(255).default(''),
    nvpPassword: z.string().trim().max(255).default(''),
    nvpSignature: z.string().trim().max(255).default(''),
  });
}

export type SettingsSections = typeof settingsSections;
export type SectionName = keyof SettingsSections;
export type SectionValues<S extends SectionName> = z.output<SettingsSections[S]['schema']>;
export const SECTION_NAMES = Object.keys(settingsSections) as SectionName[];

export function isSectionName(value: string): value is SectionName {
  return Object.hasOwn(settingsSections, value);
}

export function secretFieldsOf(section: SectionName): readonly string[] {
  return settingsSections[section].secrets;
}

/** For each secret field, the fields naming where it is sent (host, port, …). */
export function secretTargetsOf(section: SectionName): Readonly<Record<string, readonly string[]>> {
  const definition = settingsSections[section];
  return 'secretTargets' in definition ? definition.secretTargets : {};
}

/** Every secret field of every section, for the canary sweep and the key rotation. */
export const ALL_SECRET_FIELDS: { section: SectionName; field: string }[] = SECTION_NAMES.flatMap((section) =>
  secretFieldsOf(section).map((field) => ({ section, field })),
);
