import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Container } from './container.js';
import type { RouteModule } from './http/route-module.js';
import { accessRoutes } from './modules/access/access.routes.js';
import { alertsRoutes } from './modules/alerts/alerts.routes.js';
import { demoRoutes } from './modules/demo/demo.routes.js';
import { enforcementRoutes } from './modules/enforcement/enforcement.routes.js';
import { apiKeysRoutes } from './modules/api-keys/api-keys.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { jobsRoutes } from './modules/jobs/jobs.routes.js';
import { librariesRoutes } from './modules/libraries/libraries.routes.js';
import { loginsRoutes } from './modules/logins/logins.routes.js';
import { membersRoutes } from './modules/members/members.routes.js';
import { memberOpsRoutes } from './modules/members/member-ops.routes.js';
import { inviteRoutes } from './modules/members/invite.routes.js';
import { embyDevicesRoutes } from './modules/enforcement/emby-devices.routes.js';
import { memberLifecycleRoutes } from './modules/members/member-lifecycle.routes.js';
import { checkoutRoutes } from './modules/checkout/checkout.routes.js';
import { bulkInviteRoutes } from './modules/members/bulk-invite.routes.js';
import { paymentsRoutes } from './modules/payments/payments.routes.js';
import { webhooksRoutes } from './modules/webhooks/webhooks.routes.js';
import { plansRoutes } from './modules/plans/plans.routes.js';
import { onboardingRoutes } from './modules/onboarding/onboarding.routes.js';
import { operationsRoutes } from './modules/operations/operations.routes.js';
import { plexAccountsRoutes } from './modules/servers/plex-accounts.routes.js';
import { serversRoutes } from './modules/servers/servers.routes.js';
import { portalRoutes } from './modules/portal/portal.routes.js';
import { publicRoutes } from './modules/public/public.routes.js';
import { contentPreviewRoutes } from './modules/public/content-preview.routes.js';
import { rolesRoutes } from './modules/roles/roles.routes.js';
import { settingsRoutes } from './modules/settings/settings.routes.js';
import { systemRoutes } from './modules/system/system.routes.js';

const modules: ((container: Container) => RouteModule)[] = [
  systemRoutes,
  publicRoutes,
  authRoutes,
  portalRoutes,
  loginsRoutes,
  rolesRoutes,
  apiKeysRoutes,
  settingsRoutes,
  contentPreviewRoutes,
  auditRoutes,
  alertsRoutes,
  jobsRoutes,
  plexAccountsRoutes,
  serversRoutes,
  librariesRoutes,
  membersRoutes,
  memberOpsRoutes,
  inviteRoutes,
  memberLifecycleRoutes,
  bulkInviteRoutes,
  plansRoutes,
  paymentsRoutes,
  webhooksRoutes,
  checkoutRoutes,
  onboardingRoutes,
  operationsRoutes,
  accessRoutes,
  demoRoutes,
  enforcementRoutes,
  embyDevicesRoutes,
];

/** Every feature's routes, mounted under /api. */
export function registerRoutes(container: Container): FastifyPluginAsync {
  return (parent) => {
    const app = parent.withTypeProvider<ZodTypeProvider>();
    for (const routes of modules) routes(container)(app);
    return Promise.resolve();
  };
}
