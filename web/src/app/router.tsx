import type { ComponentType } from 'react';
import { createBrowserRouter, Outlet, type RouteObject } from 'react-router';
import { AuthLayout } from '../features/auth/AuthLayout';
import { LoginPage } from '../features/auth/LoginPage';
import { HomePage } from '../features/public/HomePage';
import { NotFoundPage } from '../features/public/NotFoundPage';
import { PublicLayout } from '../features/public/PublicLayout';
import { FullPageLoader, RequireAdmin, RequireLogin, SetupGate } from './guards';
import { RouteError } from './RouteError';

/*
 * The login page and the public pages ship in the entry bundle; the portal and every admin page are
 * fetched when first opened (route `lazy`), so a visitor on /login never downloads the admin.
 * React Router keeps the current page on screen while the next page's code loads.
 */

type Loader<M> = () => Promise<M>;

/** A lazily loaded page: `pick` names the export, so a renamed component fails the type check. */
function lazyPage<M>(load: Loader<M>, pick: (module: M) => ComponentType): Pick<RouteObject, 'lazy'> {
  return { lazy: async () => ({ Component: pick(await load()) }) };
}

/** An admin page behind a permission: the Permit wrapper lives in the page's own chunk. */
function adminPage<M>(permission: string, load: Loader<M>, pick: (module: M) => ComponentType): Pick<RouteObject, 'lazy'> {
  return {
    lazy: async () => {
      const [{ Permit }, module] = await Promise.all([import('../features/admin/Permit'), load()]);
      const Page = pick(module);
      return {
        element: (
          <Permit permission={permission}>
            <Page />
          </Permit>
        ),
      };
    },
  };
}

const admin = {
  members: () => import('../features/admin/members/MembersPage'),
  import: () => import('../features/admin/members/ImportPage'),
  member: () => import('../features/admin/members/MemberDetailPage'),
  sharedServers: () => import('../features/admin/members/SharedServersPage'),
  logins: () => import('../features/admin/logins/LoginsPage'),
  servers: () => import('../features/admin/servers/ServersPage'),
  locations: () => import('../features/admin/servers/LocationsPage'),
  libraries: () => import('../features/admin/libraries/LibrariesPage'),
  libraryGroups: () => import('../features/admin/libraries/LibraryGroupsPage'),
  plexAccounts: () => import('../features/admin/plex-accounts/PlexAccountsPage'),
  roles: () => import('../features/admin/roles/RolesPage'),
  apiKeys: () => import('../features/admin/ApiKeysPage'),
  settings: () => import('../features/admin/settings/SettingsPage'),
  audit: () => import('../features/admin/AuditPage'),
  alerts: () => import('../features/admin/AlertsPage'),
  jobs: () => import('../features/admin/jobs/JobsPage'),
  plans: () => import('../features/admin/plans/PlansPage'),
  webhookEvents: () => import('../features/admin/payments/WebhookEventsPage'),
  operations: () => import('../features/admin/operations/OperationsPage'),
  activity: () => import('../features/admin/activity/ActivityPage'),
  access: () => import('../features/admin/access/AccessChangesPage'),
};

const auth = {
  setup: () => import('../features/auth/SetupPage'),
  secondFactor: () => import('../features/auth/SecondFactorPage'),
  register: () => import('../features/auth/RegisterPage'),
  confirm: () => import('../features/auth/ConfirmPage'),
  forgot: () => import('../features/auth/ForgotPasswordPage'),
  reset: () => import('../features/auth/ResetPasswordPage'),
};

export const routes: RouteObject[] = [
  {
    element: (
      <SetupGate>
        <Outlet />
      </SetupGate>
    ),
    errorElement: <RouteError />,
    // Shown only while the first page's code loads on a cold start of a lazy route.
    hydrateFallbackElement: <FullPageLoader />,
    children: [
      {
        element: <PublicLayout />,
        children: [
          { index: true, element: <HomePage /> },
          { path: 'faq', ...lazyPage(() => import('../features/public/FaqPage'), (m) => m.FaqPage) },
          { path: 'contact', ...lazyPage(() => import('../features/public/ContactPage'), (m) => m.ContactPage) },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
      {
        element: <AuthLayout />,
        children: [
          { path: 'setup', ...lazyPage(auth.setup, (m) => m.SetupPage) },
          { path: 'login', element: <LoginPage /> },
          { path: 'login/2fa', ...lazyPage(auth.secondFactor, (m) => m.SecondFactorPage) },
          { path: 'register', ...lazyPage(auth.register, (m) => m.RegisterPage) },
          { path: 'confirm', ...lazyPage(auth.confirm, (m) => m.ConfirmPage) },
          { path: 'forgot-password', ...lazyPage(auth.forgot, (m) => m.ForgotPasswordPage) },
          { path: 'reset-password', ...lazyPage(auth.reset, (m) => m.ResetPasswordPage) },
        ],
      },
      {
        element: <RequireLogin />,
        children: [
          {
            path: 'portal',
            ...lazyPage(
              () => import('../features/portal/PortalLayout'),
              (m) => m.PortalLayout,
            ),
            children: [
              { index: true, ...lazyPage(() => import('../features/portal/PortalHomePage'), (m) => m.PortalHomePage) },
              { path: 'subscribe', ...lazyPage(() => import('../features/portal/SubscribePage'), (m) => m.SubscribePage) },
              { path: 'checkout/return', ...lazyPage(() => import('../features/portal/CheckoutReturnPage'), (m) => m.CheckoutReturnPage) },
              { path: 'account', ...lazyPage(() => import('../features/portal/AccountPage'), (m) => m.AccountPage) },
            ],
          },
          {
            path: 'admin',
            element: <RequireAdmin />,
            children: [
              {
                ...lazyPage(
                  () => import('../features/admin/AdminLayout'),
                  (m) => m.AdminLayout,
                ),
                children: [
                  {
                    index: true,
                    ...lazyPage(
                      () => import('../features/admin/DashboardPage'),
                      (m) => m.DashboardPage,
                    ),
                  },
                  { path: 'members', ...adminPage('members.read', admin.members, (m) => m.MembersPage) },
                  { path: 'plans', ...adminPage('plans.read', admin.plans, (m) => m.PlansPage) },
                  { path: 'members/import', ...adminPage('members.read', admin.import, (m) => m.ImportPage) },
                  { path: 'members/:id', ...adminPage('members.read', admin.member, (m) => m.MemberDetailPage) },
                  { path: 'logins', ...adminPage('logins.read', admin.logins, (m) => m.LoginsPage) },
                  { path: 'servers', ...adminPage('servers.read', admin.servers, (m) => m.ServersPage) },
                  { path: 'server-locations', ...adminPage('servers.read', admin.locations, (m) => m.LocationsPage) },
                  { path: 'libraries', ...adminPage('servers.read', admin.libraries, (m) => m.LibrariesPage) },
                  { path: 'library-groups', ...adminPage('servers.read', admin.libraryGroups, (m) => m.LibraryGroupsPage) },
                  { path: 'shared-servers', ...adminPage('members.read', admin.sharedServers, (m) => m.SharedServersPage) },
                  { path: 'plex-accounts', ...adminPage('servers.read', admin.plexAccounts, (m) => m.PlexAccountsPage) },
                  { path: 'roles', ...adminPage('roles.read', admin.roles, (m) => m.RolesPage) },
                  { path: 'api-keys', ...adminPage('apikeys.read', admin.apiKeys, (m) => m.ApiKeysPage) },
                  { path: 'settings/:section?', ...adminPage('settings.read', admin.settings, (m) => m.SettingsPage) },
                  { path: 'audit', ...adminPage('audit.read', admin.audit, (m) => m.AuditPage) },
                  { path: 'alerts', ...adminPage('alerts.read', admin.alerts, (m) => m.AlertsPage) },
                  { path: 'jobs', ...adminPage('jobs.read', admin.jobs, (m) => m.JobsPage) },
                  { path: 'payments/events', ...adminPage('payments.read', admin.webhookEvents, (m) => m.WebhookEventsPage) },
                  { path: 'operations', ...adminPage('operations.read', admin.operations, (m) => m.OperationsPage) },
                  { path: 'activity', ...adminPage('activity.read', admin.activity, (m) => m.ActivityPage) },
                  { path: 'access', ...adminPage('servers.read', admin.access, (m) => m.AccessChangesPage) },
                  { path: '*', element: <NotFoundPage /> },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
];

export const router = createBrowserRouter(routes);
