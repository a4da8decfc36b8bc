import { z } from 'zod';
import type { Container } from '../../container.js';
import type { RouteModule } from '../../http/route-module.js';

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
  })
  .meta({ id: 'PublicSite' });

/** What any visitor may know about the site: branding and which pages are open. */
export function publicRoutes(container: Container): RouteModule {
  const { settings } = container;
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
        };
      },
    );
  };
}
