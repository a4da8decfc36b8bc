import type { Logger } from 'pino';
import type { Env } from './config/env.js';
import type { DatabaseHandle } from './db/database.js';
import { systemClock, type Clock, type OffsetClock } from './platform/clock.js';
import { DemoService } from './modules/demo/demo.service.js';
import type { SecretBox } from './platform/secrets.js';
import { AlertsRepository } from './modules/alerts/alerts.repository.js';
import { AlertsService } from './modules/alerts/alerts.service.js';
import { ApiKeysRepository } from './modules/api-keys/api-keys.repository.js';
import { ApiKeysService } from './modules/api-keys/api-keys.service.js';
import { AuditRepository } from './modules/audit/audit.repository.js';
import { AuditService } from './modules/audit/audit.service.js';
import { CronJobRunner } from './jobs/cron-runner.js';
import { EmbyDevicesService } from './modules/enforcement/emby-devices.service.js';
import { registerUsherJobs } from './jobs/schedule.js';
import { AuthCleanupService } from './modules/auth/auth-cleanup.service.js';
import { AuthRepository } from './modules/auth/auth.repository.js';
import { AuthService } from './modules/auth/auth.service.js';
import { LoginAttemptsRepository } from './modules/auth/login-attempts.repository.js';
import { LoginThrottleService } from './modules/auth/login-throttle.service.js';
import { RegistrationService } from './modules/auth/registration.service.js';
import { TwoFactorService } from './modules/auth/two-factor.service.js';
import { JobsRepository } from './modules/jobs/jobs.repository.js';
import { JobsService } from './modules/jobs/jobs.service.js';
import { LoginsRepository } from './modules/logins/logins.repository.js';
import { LoginsService } from './modules/logins/logins.service.js';
import { NotificationService, smtpNotifierFactory, type EmailNotifierFactory } from './modules/notifications/notifications.service.js';
import { OutboxRepository } from './modules/notifications/outbox.repository.js';
import { RolesRepository } from './modules/roles/roles.repository.js';
import { RolesService } from './modules/roles/roles.service.js';
import { SettingsRepository } from './modules/settings/settings.repository.js';
import { SettingsService } from './modules/settings/settings.service.js';
import { MediaServerRegistry } from './adapters/media-server/registry.js';
import { LibrariesRepository } from './modules/libraries/libraries.repository.js';
import { LibrariesService } from './modules/libraries/libraries.service.js';
import { MembersRepository } from './modules/members/members.repository.js';
import { MembersService } from './modules/members/members.service.js';
import { MemberOpsRepository } from './modules/members/member-ops.repository.js';
import { MemberOpsService } from './modules/members/member-ops.service.js';
import { MemberLifecycleRepository } from './modules/members/member-lifecycle.repository.js';
import { MemberLifecycleService } from './modules/members/member-lifecycle.service.js';
import { MemberExplainService } from './modules/members/member-explain.service.js';
import { BulkInviteRepository } from './modules/members/bulk-invite.repository.js';
import { BulkInviteService } from './modules/members/bulk-invite.service.js';
import { OperationsRepository } from './modules/operations/operations.repository.js';
import { OperationsService } from './modules/operations/operations.service.js';
import { PlexAccountsRepository } from './modules/servers/plex-accounts.repository.js';
import { PlexAccountsService } from './modules/servers/plex-accounts.service.js';
import { RegistryConnector } from './modules/servers/registry-connector.js';
import type { ServerConnector } from './modules/servers/server-connector.js';
import { ServersRepository } from './modules/servers/servers.repository.js';
import { ServersService } from './modules/servers/servers.service.js';
import { SyncGuardRepository } from './modules/sync/sync-guard.repository.js';
import { SyncService } from './modules/sync/sync.service.js';
import { EmbyConnectService } from './modules/servers/emby-connect.service.js';
import { PlansRepository } from './modules/plans/plans.repository.js';
import { PlansService } from './modules/plans/plans.service.js';
import { PaymentsRepository } from './modules/payments/payments.repository.js';
import { PaymentsService } from './modules/payments/payments.service.js';
import { SubscriptionsRepository } from './modules/subscriptions/subscriptions.repository.js';
import { SubscriptionsService } from './modules/subscriptions/subscriptions.service.js';
import { OnboardingService } from './modules/onboarding/onboarding.service.js';
import { AccessRepository } from './modules/access/access.repository.js';
import { AccessService } from './modules/access/access.service.js';
import { PlacementRepository } from './modules/access/placement.repository.js';
import { PlacementService } from './modules/access/placement.service.js';
import { InviteRepository } from './modules/members/invite.repository.js';
import { InviteService } from './modules/members/invite.service.js';
import { PortalRepository } from './modules/portal/portal.repository.js';
import { PortalService } from './modules/portal/portal.service.js';
import { PaymentGatewayRegistry, gatewayEndpoints } from './adapters/payment/registry.js';
import { GatewayDirectory, GATEWAY_ACCOUNTS } from './modules/payments/gateway-directory.js';
import { CheckoutsRepository } from './modules/payments/checkouts.repository.js';
import { GatewayEventsRepository } from './modules/webhooks/gateway-events.repository.js';
import { GatewayEventApplier } from './modules/webhooks/event-applier.js';
import { WebhooksService } from './modules/webhooks/webhooks.service.js';
import { CheckoutRepository } from './modules/checkout/checkout.repository.js';
import { CheckoutService } from './modules/checkout/checkout.service.js';
import { EnforcementRepository } from './modules/enforcement/enforcement.repository.js';
import { EnforcementService } from './modules/enforcement/enforcement.service.js';
import { ActivityService } from './modules/enforcement/activity.service.js';
import { SessionMonitor, type SessionMonitorOptions } from './modules/enforcement/session-monitor.js';
import { LibraryStatsRepository } from './modules/public/library-stats.repository.js';
import { LibraryStatsService } from './modules/public/library-stats.service.js';
import { PublicSiteService } from './modules/public/public-site.service.js';

export interface ContainerOptions {
  env: Env;
  database: DatabaseHandle;
  secrets: SecretBox;
  log: Logger;
  clock?: Clock;
  /** Demo mode: the movable clock behind "advance the clock" (its routes exist only then). */
  demoClock?: OffsetClock;
  emailNotifierFactory?: EmailNotifierFactory;
  /** Replaces how stored servers become adapters (tests that count or break connections). */
  serverConnector?: ServerConnector;
  /** Lease and timing overrides for the session monitor (tests). */
  sessionMonitor?: Partial<SessionMonitorOptions>;
}

/** The composition root: every dependency is created here and passed explicitly. */
export function createContainer(options: ContainerOptions) {
  const { env, database, secrets, log } = options;
  const clock = options.demoClock ?? options.clock ?? systemClock;
  const db = database.db;

  const audit = new AuditService(new AuditRepository(db), clock);
  const settings = new SettingsService(new SettingsRepository(db), secrets, clock, audit);
  const notifications = new NotificationService(
    new OutboxRepository(db),
    settings,
    clock,
    log,
    options.emailNotifierFactory ?? smtpNotifierFactory,
  );
  settings.registerTester('email', (values) => notifications.verify(values));
  const rolesRepo = new RolesRepository(db);
  const authRepo = new AuthRepository(db);
  const membersRepo = new MembersRepository(db);
  // Registration asks the media-server side through late-bound checks: servers are built further down.
  const registrationChecks = {
    isKnownMember: (email: string) => membersRepo.hasActiveMemberWithEmail(email),
    embyConnectProblem: async (email: string) => embyConnect.problemFor(email, (await settings.get('mediaServer')).requireEmbyConnect),
  };
  const loginThrottle = new LoginThrottleService(new LoginAttemptsRepository(db), clock);
  const auth = new AuthService(authRepo, rolesRepo, settings, notifications, audit, secrets, clock, loginThrottle);
  const registration = new RegistrationService(authRepo, auth, settings, notifications, audit, clock, registrationChecks);
  const twoFactor = new TwoFactorService(authRepo, settings, notifications, audit, secrets, clock);
  const apiKeys = new ApiKeysService(new ApiKeysRepository(db), rolesRepo, settings, audit, clock);
  const roles = new RolesService(rolesRepo, apiKeys, audit, clock);
  const logins = new LoginsService(
    new LoginsRepository(db),
    authRepo,
    auth,
    twoFactor,
    rolesRepo,
    notifications,
    apiKeys,
    audit,
    clock,
    loginThrottle,
  );
  const alerts = new AlertsService(new AlertsRepository(db), settings, notifications, clock);
  const jobsRepo = new JobsRepository(db);
  const jobs = new JobsService(new CronJobRunner({ store: jobsRepo, clock, log }), jobsRepo, clock);

  const mediaRegistry = new MediaServerRegistry({
    plexTvUrl: env.PLEX_TV_URL,
    clientsUrl: env.PLEX_CLIENTS_URL,
    appUrl: env.PLEX_APP_URL,
    clientIdentifier: secrets.derive('plex-client-identifier'),
  });
  const plexAccountsRepo = new PlexAccountsRepository(db);
  const serversRepo = new ServersRepository(db);
  const librariesRepo = new LibrariesRepository(db);
  const registryConnector = new RegistryConnector(mediaRegistry, plexAccountsRepo, secrets);
  const connector = options.serverConnector ?? registryConnector;
  const plexAccounts = new PlexAccountsService(plexAccountsRepo, registryConnector, secrets, audit, alerts, clock);
  const embyConnect = new EmbyConnectService(serversRepo, connector, alerts, log);
  const libraries = new LibrariesService(librariesRepo, audit, clock);
  const plansRepo = new PlansRepository(db);
  // The access engine is built last (it needs sync and operations); services that change a member's
  // access reach it through these late-bound callbacks.
  const accessHooks = {
    memberChanged: (memberId: string) => access.memberChanged(memberId),
    planChanged: (planId: string) => access.planChanged(planId),
  };
  const plans = new PlansService(plansRepo, settings, audit, clock, accessHooks.planChanged);
  settings.registerGuard('general', (next, before) => plans.checkCurrencyChange(String(before.currency), String(next.currency)));
  // Where Usher is reached from outside: the admin's Site URL, else the deployment's.
  const publicSiteUrl = async () => (await settings.get('general')).siteUrl || env.SITE_URL || `http://localhost:${env.PORT}`;
  const gatewayRegistry = new PaymentGatewayRegistry(gatewayEndpoints(env, env.SITE_URL ?? `http://localhost:${env.PORT}`), clock);
  const gateways = new GatewayDirectory(settings, gatewayRegistry, publicSiteUrl);
  for (const account of GATEWAY_ACCOUNTS) {
    settings.registerTester(account, async (values) => {
      const check = await gateways.test(account, values);
      return {
        details: [
          ...(check.account ? [`Account: ${check.account}`] : []),
          ...(check.live === null ? [] : [check.live ? 'Live mode' : 'Test mode']),
          ...check.details,
        ],
      };
    });
  }
  const paymentsRepo = new PaymentsRepository(db);
  const checkoutsRepo = new CheckoutsRepository(db);
  const subscriptionsRepo = new SubscriptionsRepository(db);
  const payments = new PaymentsService(
    paymentsRepo,
    plansRepo,
    membersRepo,
    settings,
    audit,
    clock,
    accessHooks.memberChanged,
    subscriptionsRepo,
  );
  const subscriptions = new SubscriptionsService(subscriptionsRepo, membersRepo, audit, clock, accessHooks.memberChanged);
  const gatewayEvents = new GatewayEventsRepository(db);
  const webhooks = new WebhooksService(
    gateways,
    gatewayEvents,
    new GatewayEventApplier(gatewayEvents, paymentsRepo, checkoutsRepo, subscriptionsRepo, plansRepo, notifications),
    checkoutsRepo,
    settings,
    alerts,
    notifications,
    clock,
    log,
    accessHooks.memberChanged,
  );
  const memberOpsRepo = new MemberOpsRepository(db);
  const members = new MembersService(
    membersRepo,
    serversRepo,
    payments,
    audit,
    clock,
    memberOpsRepo,
    async () => (await settings.get('mediaServer')).defaultTemplateUser,
    accessHooks.memberChanged,
  );
  const memberOps = new MemberOpsService(
    memberOpsRepo,
    members,
    payments,
    plansRepo,
    audit,
    clock,
    accessHooks.memberChanged,
    (id, keepOnServer, actor) => memberLifecycle.remove(id, { keepOnServer }, actor),
  );
  const syncGuard = new SyncGuardRepository(db, clock);
  const sync = new SyncService(serversRepo, librariesRepo, membersRepo, payments, connector, settings, alerts, syncGuard, audit, clock);
  // A new server is read at once, so its libraries are there to group without waiting for the hour.
  const syncAdded = (serverId: string) => {
    sync.syncById(serverId).catch((error: unknown) => log.warn({ err: error, serverId }, 'first sync of a new server failed'));
  };
  const servers = new ServersService(serversRepo, connector, plexAccounts, secrets, audit, clock, syncAdded);
  const onboarding = new OnboardingService(settings, serversRepo, plexAccountsRepo, librariesRepo, plansRepo, audit, clock);
  const operations = new OperationsService(new OperationsRepository(db), serversRepo, connector, syncGuard, alerts, audit, clock, log, {
    instanceId: jobs.instanceId,
  });
  const placement = new PlacementService(new PlacementRepository(db), alerts, notifications, clock, log);
  const access = new AccessService(
    new AccessRepository(db),
    paymentsRepo,
    plansRepo,
    serversRepo,
    settings,
    operations,
    sync,
    placement,
    clock,
    log,
    subscriptionsRepo,
  );
  const invites = new InviteService(
    new InviteRepository(db),
    plansRepo,
    serversRepo,
    payments,
    placement,
    members,
    settings,
    audit,
    clock,
    accessHooks.memberChanged,
  );
  // Each CSV row goes through the Invite dialog's own checks and writes.
  const bulkInvite = new BulkInviteService(new BulkInviteRepository(db), plansRepo, serversRepo, invites, settings, jobs, audit, clock);
  const portal = new PortalService(
    new PortalRepository(db),
    members,
    plansRepo,
    serversRepo,
    settings,
    sync,
    access,
    operations,
    audit,
    clock,
    log,
  );
  const checkout = new CheckoutService(
    new CheckoutRepository(db),
    checkoutsRepo,
    plansRepo,
    librariesRepo,
    placement,
    members,
    portal,
    settings,
    gateways,
    audit,
    clock,
    publicSiteUrl,
  );
  const memberExplain = new MemberExplainService(members, paymentsRepo, settings, operations, clock);
  const memberLifecycle = new MemberLifecycleService(
    new MemberLifecycleRepository(db),
    memberOpsRepo,
    members,
    operations,
    audit,
    clock,
    accessHooks.memberChanged,
  );

  const enforcementRepo = new EnforcementRepository(db);
  const enforcement = new EnforcementService(enforcementRepo, settings, notifications, audit, clock, log);
  const activity = new ActivityService(enforcementRepo, enforcement, serversRepo, connector, settings, clock, log);
  // Started by startUsher (like the jobs), so tests and CLI commands never watch servers unless asked.
  const sessionMonitor = new SessionMonitor(enforcement, enforcementRepo, serversRepo, connector, settings, clock, log, {
    instanceId: jobs.instanceId,
    ...options.sessionMonitor,
  });
  const embyDevices = new EmbyDevicesService(enforcementRepo, enforcement, serversRepo, connector, audit, log);
  const libraryStats = new LibraryStatsService(new LibraryStatsRepository(db), serversRepo, librariesRepo, connector, clock, log);
  const publicSite = new PublicSiteService(settings, plansRepo, librariesRepo, libraryStats, alerts);

  const demo = options.demoClock
    ? new DemoService(options.demoClock, access, operations, audit, async () => (await settings.get('mediaServer')).syncSharedLibraries)
    : null;

  // Registered here so every instance lists the same jobs; they only run once startUsher starts them.
  registerUsherJobs({
    jobs,
    notifications,
    authCleanup: new AuthCleanupService(authRepo, clock),
    sync,
    plexAccounts,
    settings,
    operations,
    access,
    bulkInvite,
    activity,
    libraryStats,
    embyDevices,
  });

  return {
    env,
    database,
    secrets,
    log,
    clock,
    audit,
    settings,
    notifications,
    roles,
    auth,
    registration,
    twoFactor,
    logins,
    apiKeys,
    alerts,
    jobs,
    mediaRegistry,
    gatewayRegistry,
    gateways,
    checkoutsRepo,
    gatewayEvents,
    webhooks,
    checkout,
    plexAccounts,
    servers,
    libraries,
    members,
    memberOps,
    memberLifecycle,
    memberExplain,
    bulkInvite,
    plans,
    payments,
    subscriptions,
    sync,
    syncGuard,
    onboarding,
    operations,
    access,
    placement,
    invites,
    portal,
    libraryStats,
    embyDevices,
    publicSite,
    demo,
    enforcement,
    activity,
    sessionMonitor,
  };
}

export type Container = ReturnType<typeof createContainer>;
