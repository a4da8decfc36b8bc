import type { GroupStats } from '../../domain/library-stats.js';
import { customCssProblem } from '../../domain/custom-css.js';
import { renderMarkdown } from '../../domain/markdown.js';
import { notFound, unauthorized } from '../../http/errors.js';
import type { AlertsService } from '../alerts/alerts.service.js';
import type { LibrariesRepository } from '../libraries/libraries.repository.js';
import type { PlansRepository } from '../plans/plans.repository.js';
import type { SectionValues } from '../settings/settings.schema.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { LibraryStatsService } from './library-stats.service.js';

export interface PricingPlan {
  id: string;
  name: string;
  description: string;
  costMinor: number;
  currency: string;
  duration: { unit: 'days' | 'months'; count: number };
  trialDays: number | null;
  /** null: as many streams as the server allows. */
  maxStreams: number | null;
  allowDownloads: boolean;
  allowTranscoding: boolean;
  includes4k: boolean;
  libraryGroups: string[];
  /** How it can be paid: a renewing subscription, single periods, or free (a trial). */
  billing: { recurring: boolean; oneOff: boolean };
}

export interface Pricing {
  html: string;
  plans: PricingPlan[];
}

export interface PublicHome {
  sections: { section1Html: string; section2Html: string };
  branding: { logoUrl: string; wallpaperUrl: string; extraCss: string };
  pricing: Pricing | null;
  libraryStats: { html: string; groups: GroupStats[]; countedAt: string | null } | null;
}

export interface ContactMessage {
  name: string;
  email: string;
  message: string;
  /** The honeypot: people never see it, form-filling robots do. */
  website?: string | undefined;
}

/** Rendered HTML per Markdown source: the public pages are read far more often than edited. */
const RENDER_CACHE_LIMIT = 200;

/**
 * What visitors see. Everything is read from the database and rendered in-process, never fetched from
 * a remote server, and rendered Markdown is kept by its source, so a page costs a few indexed reads.
 */
export class PublicSiteService {
  private readonly rendered = new Map<string, string>();

  constructor(
    private readonly settings: SettingsService,
    private readonly plans: PlansRepository,
    private readonly libraries: LibrariesRepository,
    private readonly stats: LibraryStatsService,
    private readonly alerts: AlertsService,
  ) {}

  /** Markdown to safe HTML, for the public pages and the admin's preview alike. */
  render(markdown: string): string {
    const cached = this.rendered.get(markdown);
    if (cached !== undefined) return cached;
    const html = renderMarkdown(markdown);
    if (this.rendered.size >= RENDER_CACHE_LIMIT) this.rendered.delete(this.rendered.keys().next().value!);
    this.rendered.set(markdown, html);
    return html;
  }

  /** Unsaved drafts are rendered but not kept: typing must not push the live pages out of the cache. */
  preview(sources: string[]): string[] {
    return sources.map((source) => renderMarkdown(source));
  }

  async home(signedIn: boolean): Promise<PublicHome> {
    const [general, content] = await Promise.all([this.settings.get('general'), this.settings.get('content')]);
    if (!general.homePagePublic && !signedIn) throw unauthorized('home_private', 'Log in to see this page.');
    const [pricing, stats] = await Promise.all([
      general.showPricingSection ? this.pricing() : null,
      content.showLibraryStats ? this.stats.byGroup() : null,
    ]);
    return {
      sections: { section1Html: this.render(content.homeSection1), section2Html: this.render(content.homeSection2) },
      branding: this.branding(content),
      pricing,
      libraryStats: stats ? { html: this.render(content.libraryStatsText), ...stats } : null,
    };
  }

  branding(content: SectionValues<'content'>): PublicHome['branding'] {
    // A stylesheet saved before the rules existed is left out rather than trusted.
    return { logoUrl: content.logoUrl, wallpaperUrl: content.wallpaperUrl, extraCss: customCssProblem(content.extraCss) ? '' : content.extraCss };
  }

  /** The plans API: hidden with the home page's pricing section. */
  async publicPricing(): Promise<Pricing> {
    if (!(await this.settings.get('general')).showPricingSection) throw notFound('pricing_hidden', 'Pricing is not shown on this site.');
    return this.pricing();
  }

  async pricing(): Promise<Pricing> {
    const [general, content, gateways, plans, groups] = await Promise.all([
      this.settings.get('general'),
      this.settings.get('content'),
      this.settings.get('paymentGateways'),
      this.plans.list(),
      this.libraries.listGroups(),
    ]);
    const groupById = new Map(groups.map((g) => [g.id, g]));
    // Standard is in every plan; Private never is (libraries.repository).
    const standard = groups.filter((g) => g.builtin === 'standard');
    return {
      html: this.render(content.pricingText),
      plans: plans
        .filter((p) => p.active)
        .sort((a, b) => a.sortOrder - b.sortOrder)
        .map((plan) => {
          const included = [...standard, ...plan.libraryGroupIds.map((id) => groupById.get(id)).filter((g) => g !== undefined)].filter(
            (g, index, all) => g.builtin !== 'private' && all.findIndex((other) => other.id === g.id) === index,
          );
          return {
            id: plan.id,
            name: plan.name,
            description: plan.description,
            costMinor: plan.costMinor,
            currency: general.currency,
            duration: plan.duration,
            trialDays: plan.isTrial ? (plan.trialDays ?? plan.duration.count) : null,
            maxStreams: plan.maxStreams,
            allowDownloads: plan.allowDownloads,
            allowTranscoding: plan.allowTranscoding,
            includes4k: included.some((g) => g.builtin === 'premium4k'),
            libraryGroups: included.map((g) => g.name),
            billing: plan.isTrial || plan.costMinor === 0 ? { recurring: false, oneOff: false } : { recurring: gateways.recurringEnabled, oneOff: gateways.oneOffEnabled },
          };
        }),
    };
  }

  async faq(signedIn: boolean): Promise<{ entries: { question: string; answerHtml: string }[] }> {
    const [general, content] = await Promise.all([this.settings.get('general'), this.settings.get('content')]);
    if (!general.faqPagePublic && !signedIn) throw unauthorized('faq_private', 'Log in to see this page.');
    return { entries: content.faq.map((entry) => ({ question: entry.question, answerHtml: this.render(entry.answer) })) };
  }

  /** Relays a visitor's message as an admin alert, which the alerts service also emails to the admin. */
  async contact(message: ContactMessage): Promise<void> {
    const general = await this.settings.get('general');
    if (!general.contactPageEnabled) throw notFound('contact_disabled', 'The contact page is turned off.');
    // A filled honeypot gets the same answer as a real message, so the robot learns nothing.
    if (message.website) return;
    await this.alerts.raise({
      kind: 'contact_message',
      severity: 'info',
      title: `Contact form: ${message.name} <${message.email}>`,
      message: message.message,
    });
  }
}
