import { Button, Center, Container, Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, Navigate } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { homeFor, usePublicSite, useSession } from '../../app/session';
import { QueryError } from '../../components/QueryError';
import { HomeView, VisitorCta } from './HomeView';
import { publicText } from './strings';

export const PUBLIC_HOME_KEY = ['public', 'home'] as const;

export function HomePage() {
  const site = usePublicSite();
  const session = useSession();
  const login = session.data?.authenticated ? session.data.login : undefined;
  const siteName = site.data?.siteName ?? 'Usher';
  // Asked only when it can answer: a refused request would show up as an error in the console.
  const mayRead = !!site.data && !session.isPending && (site.data.homePagePublic || !!login);
  const home = useQuery({ queryKey: PUBLIC_HOME_KEY, queryFn: () => unwrap(api.GET('/api/public/home')), retry: false, enabled: mayRead });
  // An operator can keep the home page private; visitors then go straight to the login.
  const isPrivate = home.error instanceof ApiError && home.error.status === 401;
  if (isPrivate || (site.data && !site.data.homePagePublic && !login && !session.isPending)) return <Navigate to="/login" replace />;

  if (home.isPending) {
    return (
      <Center py={80}>
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (home.isError) {
    return (
      <Container size="sm" py={40}>
        <QueryError error={home.error} onRetry={() => void home.refetch()} />
      </Container>
    );
  }
  const cta = login ? (
    <Button size="md" component={Link} to={homeFor(login)}>
      {publicText.home.continueTo(login.isAdmin)}
    </Button>
  ) : (
    <VisitorCta registrationEnabled={site.data?.registrationEnabled !== false} />
  );
  return <HomeView siteName={siteName} home={home.data} cta={cta} />;
}
