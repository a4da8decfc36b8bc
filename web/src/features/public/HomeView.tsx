import { BackgroundImage, Box, Button, Container, Group, Image, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Schemas } from '../../api/client';
import { LibraryStats } from './LibraryStats';
import { OperatorHtml } from './OperatorHtml';
import { PricingSection } from './PricingCards';
import { publicText } from './strings';

type Home = Schemas['PublicHome'];

function Hero({ wallpaperUrl, children }: { wallpaperUrl: string; children: ReactNode }) {
  if (!wallpaperUrl) return <Box py={{ base: 40, sm: 72 }}>{children}</Box>;
  // The wallpaper is decoration (no alt text needed); a scrim keeps the text readable on any image.
  return (
    <BackgroundImage src={wallpaperUrl} radius="md">
      <Box py={{ base: 40, sm: 72 }} px="md" style={{ background: 'rgba(0, 0, 0, 0.55)', borderRadius: 'var(--mantine-radius-md)', color: '#fff' }}>
        {children}
      </Box>
    </BackgroundImage>
  );
}

/**
 * The home page as visitors see it; the Custom content settings render the same view with unsaved
 * text as the live preview.
 */
export function HomeView({ siteName, home, cta }: { siteName: string; home: Home; cta: ReactNode }) {
  const { sections, branding } = home;
  const registerTo = '/register';
  return (
    <Container size="lg" py="md">
      <Stack gap={56}>
        <Hero wallpaperUrl={branding.wallpaperUrl}>
          <Stack align="center" gap="lg" ta="center">
            {branding.logoUrl && <Image src={branding.logoUrl} alt={publicText.home.logoAlt(siteName)} h={64} w="auto" fit="contain" />}
            <Title order={1} fz={{ base: 32, sm: 48 }}>
              {publicText.home.welcome(siteName)}
            </Title>
            {sections.section1Html === '' && (
              <Text size="lg" maw={620} c={branding.wallpaperUrl ? undefined : 'dimmed'}>
                {publicText.home.intro}
              </Text>
            )}
            <Group justify="center">{cta}</Group>
          </Stack>
        </Hero>
        <OperatorHtml html={sections.section1Html} />
        {home.pricing && <PricingSection pricing={home.pricing} ctaTo={registerTo} />}
        {home.libraryStats && <LibraryStats stats={home.libraryStats} />}
        <OperatorHtml html={sections.section2Html} />
      </Stack>
    </Container>
  );
}

export function VisitorCta({ registrationEnabled }: { registrationEnabled: boolean }) {
  return (
    <>
      <Button size="md" component={Link} to="/login">
        {publicText.nav.logIn}
      </Button>
      {registrationEnabled && (
        <Button size="md" variant="default" component={Link} to="/register">
          {publicText.nav.register}
        </Button>
      )}
    </>
  );
}
