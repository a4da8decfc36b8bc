import { createBrowserRouter, Outlet } from 'react-router';
import { AdminLayout } from '../features/admin/AdminLayout';
import { AlertsPage } from '../features/admin/AlertsPage';
import { ApiKeysPage } from '../features/admin/ApiKeysPage';
import { AuditPage } from '../features/admin/AuditPage';
import { DashboardPage } from '../features/admin/DashboardPage';
import { JobsPage } from '../features/admin/jobs/JobsPage';
import { OperationsPage } from '../features/admin/operations/OperationsPage';
import { LibrariesPage } from '../features/admin/libraries/LibrariesPage';
import { LibraryGroupsPage } from '../features/admin/libraries/LibraryGroupsPage';
import { LoginsPage } from '../features/admin/logins/LoginsPage';
import { ImportPage } from '../features/admin/members/ImportPage';
import { MemberDetailPage } from '../features/admin/members/MemberDetailPage';
import { MembersPage } from '../features/admin/members/MembersPage';
import { SharedServersPage } from '../features/admin/members/SharedServersPage';
import { Permit } from '../features/admin/Permit';
import { PlexAccountsPage } from '../features/admin/plex-accounts/PlexAccountsPage';
import { RolesPage } from '../features/admin/roles/RolesPage';
import { LocationsPage } from '../features/admin/servers/LocationsPage';
import { ServersPage } from '../features/admin/servers/ServersPage';
import { SettingsPage } from '../features/admin/settings/SettingsPage';
import { AuthLayout } from '../features/auth/AuthLayout';
import { ConfirmPage } from '../features/auth/ConfirmPage';
import { ForgotPasswordPage } from '../features/auth/ForgotPasswordPage';
import { LoginPage } from '../features/auth/LoginPage';
import { RegisterPage } from '../features/auth/RegisterPage';
import { ResetPasswordPage } from '../features/auth/ResetPasswordPage';
import { SecondFactorPage } from '../features/auth/SecondFactorPage';
import { SetupPage } from '../features/auth/SetupPage';
import { AccountPage } from '../features/portal/AccountPage';
import { PortalHomePage } from '../features/portal/PortalHomePage';
import { PortalLayout } from '../features/portal/PortalLayout';
import { SubscribePage } from '../features/portal/SubscribePage';
import { HomePage } from '../features/public/HomePage';
import { NotFoundPage } from '../features/public/NotFoundPage';
import { PublicLayout } from '../features/public/PublicLayout';
import { RequireAdmin, RequireLogin, SetupGate } from './guards';
import { RouteError } from './RouteError';

export const router = createBrowserRouter([
  {
    element: (
      <SetupGate>
        <Outlet />
      </SetupGate>
    ),
    errorElement: <RouteError />,
    children: [
      {
        element: <PublicLayout />,
        children: [
          { index: true, element: <HomePage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
      {
        element: <AuthLayout />,
        children: [
          { path: 'setup', element: <SetupPage /> },
          { path: 'login', element: <LoginPage /> },
          { path: 'login/2fa', element: <SecondFactorPage /> },
          { path: 'register', element: <RegisterPage /> },
          { path: 'confirm', element: <ConfirmPage /> },
          { path: 'forgot-password', element: <ForgotPasswordPage /> },
          { path: 'reset-password', element: <ResetPasswordPage /> },
        ],
      },
      {
        element: <RequireLogin />,
        children: [
          {
            path: 'portal',
            element: <PortalLayout />,
            children: [
              { index: true, element: <PortalHomePage /> },
              { path: 'subscribe', element: <SubscribePage /> },
              { path: 'account', element: <AccountPage /> },
            ],
          },
          {
            path: 'admin',
            element: <RequireAdmin />,
            children: [
              {
                element: <AdminLayout />,
                children: [
                  { index: true, element: <DashboardPage /> },
                  { path: 'members', element: <Permit permission="members.read"><MembersPage /></Permit> },
                  { path: 'members/import', element: <Permit permission="members.read"><ImportPage /></Permit> },
                  { path: 'members/:id', element: <Permit permission="members.read"><MemberDetailPage /></Permit> },
                  { path: 'logins', element: <Permit permission="logins.read"><LoginsPage /></Permit> },
                  { path: 'servers', element: <Permit permission="servers.read"><ServersPage /></Permit> },
                  { path: 'server-locations', element: <Permit permission="servers.read"><LocationsPage /></Permit> },
                  { path: 'libraries', element: <Permit permission="servers.read"><LibrariesPage /></Permit> },
                  { path: 'library-groups', element: <Permit permission="servers.read"><LibraryGroupsPage /></Permit> },
                  { path: 'shared-servers', element: <Permit permission="members.read"><SharedServersPage /></Permit> },
                  { path: 'plex-accounts', element: <Permit permission="servers.read"><PlexAccountsPage /></Permit> },
                  { path: 'roles', element: <Permit permission="roles.read"><RolesPage /></Permit> },
                  { path: 'api-keys', element: <Permit permission="apikeys.read"><ApiKeysPage /></Permit> },
                  { path: 'settings/:section?', element: <Permit permission="settings.read"><SettingsPage /></Permit> },
                  { path: 'audit', element: <Permit permission="audit.read"><AuditPage /></Permit> },
                  { path: 'alerts', element: <Permit permission="alerts.read"><AlertsPage /></Permit> },
                  { path: 'jobs', element: <Permit permission="jobs.read"><JobsPage /></Permit> },
                  { path: 'operations', element: <Permit permission="operations.read"><OperationsPage /></Permit> },
                  { path: '*', element: <NotFoundPage /> },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
]);
