/**
 * The "Getting started" checklist: the ONE place a feature adds its first-run step. Each item says
 * how to tell, from real state, whether the operator has done it. A feature that does not exist
 * yet says `unavailable` (shown as "coming soon"), never `done`.
 */
export type ChecklistStatus = 'done' | 'todo' | 'unavailable';

/** What the checks read; the onboarding service fills it from the repositories. */
export interface ChecklistFacts {
  siteNameSet: boolean;
  siteUrl: string;
  emailEnabled: boolean;
  emailTestSent: boolean;
  /** A payment gateway's "test credentials" passed at least once. */
  gatewayTested: boolean;
  plexAccounts: number;
  servers: number;
  /** Libraries placed in a group other than Private. */
  groupedLibraries: number;
  /** Active plans (offered at checkout); the inactive Default plan of an upgrade does not count. */
  plansForSale: number;
  /** Settings → Media server → Sync shared libraries: the access engine writes to the servers. */
  syncSharedLibraries: boolean;
  /** Settings sections saved at least once. */
  savedSections: ReadonlySet<string>;
}

export interface ChecklistItem {
  id: string;
  title: string;
  description: string;
  /** Where in the admin the operator does it. */
  link: string;
  status(facts: ChecklistFacts): ChecklistStatus;
}

const done = (ok: boolean): ChecklistStatus => (ok ? 'done' : 'todo');

export const CHECKLIST_ITEMS: readonly ChecklistItem[] = [
  {
    id: 'site',
    title: 'Name your site and set its URL',
    description: 'Links in emails are built from the site URL.',
    link: '/admin/settings/general',
    status: (f) => done(f.siteNameSet && f.siteUrl !== ''),
  },
  {
    id: 'email',
    title: 'Set up email and send a test',
    description: 'Members get confirmations, resets and reminders by email.',
    link: '/admin/settings/email',
    status: (f) => done(f.emailEnabled && f.emailTestSent),
  },
  {
    id: 'media',
    title: 'Add a Plex account or a media server',
    description: 'A Plex account lists its servers; Jellyfin and Emby are added by URL and API key.',
    link: '/admin/servers',
    status: (f) => done(f.plexAccounts > 0 || f.servers > 0),
  },
  {
    id: 'library_groups',
    title: 'Put libraries in groups',
    description: 'Plans grant groups of libraries; new libraries start in Private.',
    link: '/admin/library-groups',
    status: (f) => done(f.groupedLibraries > 0),
  },
  {
    id: 'plan',
    title: 'Create your first plan',
    description: 'What members buy: price, length and library groups.',
    link: '/admin/plans',
    status: (f) => done(f.plansForSale > 0),
  },
  {
    id: 'access_sync',
    title: 'Turn on syncing libraries to the servers',
    description: 'Until then Usher only lists the changes it would make; review them first.',
    link: '/admin/access',
    status: (f) => done(f.syncSharedLibraries),
  },
  {
    id: 'gateway',
    title: 'Connect a payment gateway',
    description: 'Stripe, PayPal or Plisio takes the payments: save its keys and press “Test connection”.',
    link: '/admin/settings/stripe',
    status: (f) => done(f.gatewayTested),
  },
  {
    id: 'registration',
    title: 'Review registration settings',
    description: 'Who may sign up, and whether they confirm their email first.',
    link: '/admin/settings/registration',
    status: (f) => done(f.savedSections.has('registration')),
  },
];

export interface ChecklistView {
  items: { id: string; title: string; description: string; link: string; status: ChecklistStatus }[];
  /** Every item that can be done is done. */
  complete: boolean;
}

export function evaluateChecklist(facts: ChecklistFacts, items: readonly ChecklistItem[] = CHECKLIST_ITEMS): ChecklistView {
  const evaluated = items.map(({ status, ...item }) => ({ ...item, status: status(facts) }));
  return { items: evaluated, complete: evaluated.every((i) => i.status !== 'todo') };
}
