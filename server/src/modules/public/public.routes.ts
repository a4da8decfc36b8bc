import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import { errorBodySchema, okSchema } from '../../http/common-schemas.js';
import type { RouteModule } from '../../http/route-module.js';
import { STAT_KINDS } from '../../domain/library-stats.js';

const siteSchema = z
  .object({
    siteName: z.string(),
    siteUrl: z.string(),
    homePagePublic: z.boolean(),
    faqPagePublic: z.boolean(),
    contactPageEnabled: z.boolean(),
    registrationEnabled: z.boolean(),
    registrationRequiresDiscord: z.boolean(),
    currency: z.string(),
    /** The throw-away demo (`npm run demo`): the dashboard offers its "advance the clock" control. */
    demo: z.boolean(),
    theme: z.object({ primaryColor: z.string(), defaultColorScheme: z.enum(['light', 'dark', 'auto']) }),
    branding: z.object({ logoUrl: z.string(), wallpaperUrl: z.string(), extraCss: z.string() }),
  })
  .meta({ id: 'PublicSite' });

const pricingPlanSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    costMinor: z.number().int(),
    currency: z.string(),
    duration: z.object({ unit: z.enum(['days', 'months']), count: z.number().int() }),
    trialDays: z.number().int().nullable(),
    maxStreams: z.number().int().nullable(),
    allowDownloads: z.boolean(),
    allowTranscoding: z.boolean(),
    includes4k: z.boolean(),
    libraryGroups: z.array(z.string()),
    billing: z.object({ recurring: z.boolean(), oneOff: z.boolean() }),
  })
  .meta({ id: 'PricingPlan' });

const pricingSchema = z.object({ html: z.string(), plans: z.array(pricingPlanSchema) }).meta({ id: 'Pricing' });

const groupStatsSchema = z
  .object({
    groupId: z.string(),
    groupName: z.string(),
    counts: z.partialRecord(z.enum(STAT_KINDS), z.number().int()),
  })
  .meta({ id: 'LibraryGroupStats' });

const homeSchema = z
  .object({
    sections: z.object({ section1Html: z.string(), section2Html: z.string() }),
    branding: z.object({ logoUrl: z.string(), wallpaperUrl: z.string(), extraCss: z.string() }),
    pricing: pricingSchema.nullable(),
    libraryStats: z.object({ html: z.string(), groups: z.array(groupStatsSchema), countedAt: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'PublicHome' });

const faqSchema = z.object({ entries: z.array(z.object({ question: z.string(), answerHtml: z.string() })) }).meta({ id: 'PublicFaq' });

const contactBody = z.object({
  // The name goes into the alert's title and the email subject: one line, no control characters.
  name: z
    .string()
    .trim()
    .min(1, 'Enter your name')
    .max(100, 'At most 100 characters')
    .refine((name) => ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'Use letters, digits and punctuation only'),
  email: z.email('Enter a valid email address').max(254),
  message: z.string().trim().min(10, 'Write at least 10 characters').max(5000, 'At most 5,000 characters'),
  website: z.string().max(500).optional(),
});

/** Contact messages end up in the admin's mailbox: a handful per hour per address is plenty. */
const CONTACT_RATE = { max: 5, timeWindow: '1 hour' };
const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 429: errorBodySchema };

const signedIn = (request: FastifyRequest) => request.auth.kind === 'login' || request.auth.kind === 'api_key';

/** What any visitor may know about the site: branding, which pages are open, pricing, FAQ, contact. */
export function publicRoutes(container: Container): RouteModule {
  const { settings, publicSite } = container;
  return (app) => {
    app.get(
      '/public/site',
      { schema: { tags: ['public'], summary: 'Site name, theme and which public pages are open', response: { 200: siteSchema } } },
      async () => {
        const [general, registration, content] = await Promise.all([
          settings.get('general'),
          settings.get('registration'),
          settings.get('content'),
        ]);
        return {
          siteName: general.siteName,
          siteUrl: general.siteUrl,
          homePagePublic: general.homePagePublic,
          faqPagePublic: general.faqPagePublic,
          contactPageEnabled: general.contactPageEnabled,
          registrationEnabled: registration.enabled,
          registrationRequiresDiscord: registration.requireDiscord,
          currency: general.currency,
          demo: container.demo !== null,
          theme: { primaryColor: content.primaryColor, defaultColorScheme: content.defaultColorScheme },
          branding: publicSite.branding(content),
        };
      },
    );

    app.get(
      '/public/home',
      {
        schema: {
          tags: ['public'],
          summary: 'The home page: the operator’s sections as safe HTML, pricing and library statistics (401 when the home page is for members only)',
          response: { 200: homeSchema, ...errors },
        },
      },
      async (request) => publicSite.home(signedIn(request)),
    );

    app.get(
      '/public/plans',
      {
        schema: {
          tags: ['public'],
          summary: 'The active plans and what each includes (404 when the pricing section is hidden)',
          response: { 200: pricingSchema, ...errors },
        },
      },
      async () => publicSite.publicPricing(),
    );

    app.get(
      '/public/faq',
      { schema: { tags: ['public'], summary: 'FAQ entries with answers as safe HTML (401 when the FAQ is for members only)', response: { 200: faqSchema, ...errors } } },
      async (request) => publicSite.faq(signedIn(request)),
    );

    app.post(
      '/public/contact',
      {
        config: { rateLimit: CONTACT_RATE },
        schema: {
          tags: ['public'],
          summary: 'Sends a message to the administrator (404 when the contact page is off)',
          body: contactBody,
          response: { 200: okSchema, ...errors },
        },
      },
      async (request) => {
        await publicSite.contact(request.body);
        return { ok: true as const };
      },
    );
  };
}
