import { Anchor, AppShell, Button, Container, Group, Image, Text } from '@mantine/core';
import { useEffect, type CSSProperties } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { homeFor, usePublicSite, useSession } from '../../app/session';
import { Brand } from '../../components/Brand';
import { ColorSchemeToggle } from '../../components/ColorSchemeToggle';
import { MAIN_CONTENT_ID, SkipLink } from '../../components/SkipLink';
import { publicText } from './strings';

/** The operator's theme colour for the public pages: buttons, links and focus rings follow it. */
export function primaryColorVars(color: string | undefined): CSSProperties | undefined {
  if (!color) return undefined;
  return {
    '--mantine-primary-color-filled': color,
    '--mantine-primary-color-filled-hover': `color-mix(in srgb, ${color}, black 12%)`,
    '--mantine-primary-color-light': `color-mix(in srgb, ${color}, transparent 88%)`,
    '--mantine-primary-color-light-hover': `color-mix(in srgb, ${color}, transparent 80%)`,
  } as CSSProperties;
}

function SiteLogo() {
  const site = usePublicSite();
  const logoUrl = site.data?.branding.logoUrl;
  if (!logoUrl) return <Brand />;
  const siteName = site.data?.siteName ?? 'Usher';
  return (
    <Group gap="xs" wrap="nowrap" renderRoot={(props) => <Link to="/" {...props} />} style={{ textDecoration: 'none', color: 'inherit', minWidth: 0 }}>
      <Image src={logoUrl} alt={publicText.home.logoAlt(siteName)} h={40} w="auto" maw={160} fit="contain" />
      <Text fw={700} size="lg" truncate visibleFrom="xs">
        {siteName}
      </Text>
    </Group>
  );
}

export function PublicLayout() {
  const session = useSession();
  const site = usePublicSite();
  const login = session.data?.authenticated ? session.data.login : undefined;
  const showFaq = !!site.data && (site.data.faqPagePublic || !!login);
  const showContact = !!site.data?.contactPageEnabled;
  const primary = site.data?.theme.primaryColor;

  const scheme = site.data?.theme.defaultColorScheme;

  useEffect(() => {
    if (!primary) return;
    document.querySelector('meta[name="theme-color"]')?.setAttribute('content', primary);
  }, [primary]);
  useEffect(() => {
    // The operator's default applies until the visitor picks a scheme with the toggle (Mantine stores that choice).
    if (!scheme || scheme === 'auto' || localStorage.getItem('mantine-color-scheme-value')) return;
    document.documentElement.setAttribute('data-mantine-color-scheme', scheme);
  }, [scheme]);

  return (
    <div style={primaryColorVars(primary)}>
      <SkipLink />
      {/* Checked by the server (no @import, no outside addresses, no way to close the element); text, never markup. */}
      {site.data?.branding.extraCss && <style>{site.data.branding.extraCss}</style>}
      <AppShell header={{ height: 60 }} padding={0}>
        <AppShell.Header>
          <Container size="lg" h="100%">
            <Group h="100%" justify="space-between" wrap="nowrap" gap="xs">
              <SiteLogo />
              <Group gap="xs" wrap="nowrap" component="nav" aria-label={publicText.nav.label}>
                {showFaq && (
                  <Anchor component={NavLink} to="/faq" size="sm" px={4}>
                    {publicText.nav.faq}
                  </Anchor>
                )}
                {showContact && (
                  <Anchor component={NavLink} to="/contact" size="sm" px={4}>
                    {publicText.nav.contact}
                  </Anchor>
                )}
                {login ? (
                  <Button component={Link} to={homeFor(login)} size="sm">
                    {login.isAdmin ? publicText.nav.adminPanel : publicText.nav.portal}
                  </Button>
                ) : (
                  <Button component={Link} to="/login" variant="default" size="sm">
                    {publicText.nav.logIn}
                  </Button>
                )}
                <ColorSchemeToggle />
              </Group>
            </Group>
          </Container>
        </AppShell.Header>
        <AppShell.Main id={MAIN_CONTENT_ID} tabIndex={-1}>
          <Outlet />
        </AppShell.Main>
      </AppShell>
    </div>
  );
}
