import type { Clock } from '../../platform/clock.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { LibrariesRepository } from '../libraries/libraries.repository.js';
import type { PlansRepository } from '../plans/plans.repository.js';
import type { PlexAccountsRepository } from '../servers/plex-accounts.repository.js';
import type { ServersRepository } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import { evaluateChecklist, type ChecklistFacts, type ChecklistView } from './checklist.js';

export interface OnboardingView extends ChecklistView {
  dismissed: boolean;
  /** False on the first visit after setup or the first sign-in ("Welcome", not "Welcome back"). */
  welcomeBack: boolean;
}

/** First-run guidance: gathers the facts the checklist items read, and remembers a dismissal. */
export class OnboardingService {
  constructor(
    private readonly settings: SettingsService,
    private readonly servers: ServersRepository,
    private readonly plexAccounts: PlexAccountsRepository,
    private readonly libraries: LibrariesRepository,
    private readonly plans: PlansRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async view(loginId: string | null): Promise<OnboardingView> {
    const [facts, onboarding, welcomeBack] = await Promise.all([
      this.facts(),
      this.settings.get('onboarding'),
      loginId ? this.audit.hasSignedInBefore(loginId) : Promise.resolve(true),
    ]);
    return { ...evaluateChecklist(facts), dismissed: onboarding.checklistDismissed, welcomeBack };
  }

  async setDismissed(dismissed: boolean, actor: Actor): Promise<OnboardingView> {
    await this.settings.update('onboarding', { values: { checklistDismissed: dismissed } }, actor);
    return this.view(actor.type === 'login' ? actor.id : null);
  }

  /** A test email went out: the email step counts as done from now on. */
  async emailTested(actor: Actor): Promise<void> {
    await this.settings.update('onboarding', { values: { emailTestSentAt: this.clock.now().toISOString() } }, actor);
  }

  /** A gateway's credentials test passed: the gateway step counts as done from now on. */
  async gatewayTested(actor: Actor): Promise<void> {
    await this.settings.update('onboarding', { values: { gatewayTestedAt: this.clock.now().toISOString() } }, actor);
  }

  private async facts(): Promise<ChecklistFacts> {
    const [general, email, onboarding, servers, plexAccounts, groups, savedSections, plans, mediaServer] = await Promise.all([
      this.settings.get('general'),
      this.settings.get('email'),
      this.settings.get('onboarding'),
      this.servers.list(),
      this.plexAccounts.list(),
      this.libraries.listGroups(),
      this.settings.savedSections(),
      this.plans.list(),
      this.settings.get('mediaServer'),
    ]);
    return {
      siteNameSet: savedSections.has('general') && general.siteName.trim() !== '',
      siteUrl: general.siteUrl,
      emailEnabled: email.enabled && email.host !== '',
      emailTestSent: onboarding.emailTestSentAt !== '',
      gatewayTested: onboarding.gatewayTestedAt !== '',
      plexAccounts: plexAccounts.length,
      servers: servers.length,
      groupedLibraries: groups.filter((g) => g.builtin !== 'private').reduce((n, g) => n + g.libraries, 0),
      plansForSale: plans.filter((p) => p.active).length,
      syncSharedLibraries: mediaServer.syncSharedLibraries,
      savedSections,
    };
  }
}
