import { Alert, Button, Center, Container, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { errorMessage } from '../api/client';
import { useSession, useSetupStatus } from './session';

export function FullPageLoader() {
  return (
    <Center h="60vh">
      <Loader aria-label="Loading" />
    </Center>
  );
}

function LoadFailed({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <Container size="sm" py="xl">
      <Alert color="red" title="Usher could not be reached">
        {errorMessage(error)}
        <Button mt="md" size="xs" variant="light" color="red" onClick={retry} display="block">
          Try again
        </Button>
      </Alert>
    </Container>
  );
}

/** A fresh install sends every page to the setup wizard until the first administrator exists. */
export function SetupGate({ children }: { children?: ReactNode }) {
  const setup = useSetupStatus();
  const { pathname } = useLocation();
  if (setup.isPending) return <FullPageLoader />;
  if (setup.isError) return <LoadFailed error={setup.error} retry={() => void setup.refetch()} />;
  if (setup.data.needsSetup && pathname !== '/setup') return <Navigate to="/setup" replace />;
  return children ?? <Outlet />;
}

export function RequireLogin() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <FullPageLoader />;
  if (session.isError) return <LoadFailed error={session.error} retry={() => void session.refetch()} />;
  if (session.data.stage === 'second_factor') return <Navigate to="/login/2fa" replace state={{ next: location.pathname + location.search }} />;
  if (!session.data.authenticated) {
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  return <Outlet />;
}

export function RequireAdmin() {
  const session = useSession();
  if (!session.data?.login?.isAdmin) return <Navigate to="/portal" replace />;
  return <Outlet />;
}
