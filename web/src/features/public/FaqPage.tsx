import { Accordion, Anchor, Center, Container, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, Navigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { usePublicSite, useSession } from '../../app/session';
import { QueryError } from '../../components/QueryError';
import { OperatorHtml } from './OperatorHtml';
import { publicText } from './strings';

export function FaqPage() {
  const site = usePublicSite();
  const session = useSession();
  const signedIn = !!session.data?.authenticated;
  const mayRead = !!site.data && !session.isPending && (site.data.faqPagePublic || signedIn);
  const faq = useQuery({ queryKey: ['public', 'faq'], queryFn: () => unwrap(api.GET('/api/public/faq')), retry: false, enabled: mayRead });
  if (site.data && !session.isPending && !site.data.faqPagePublic && !signedIn) return <Navigate to="/login?next=/faq" replace />;
  const t = publicText.faq;

  return (
    <Container size="md" py={{ base: 24, sm: 48 }}>
      <Stack gap="lg">
        <Title order={1}>{t.title}</Title>
        {faq.isError && <QueryError error={faq.error} onRetry={() => void faq.refetch()} />}
        {!faq.data && !faq.isError && (
          <Center py={40}>
            <Loader aria-label="Loading" />
          </Center>
        )}
        {faq.data && faq.data.entries.length === 0 && <Text c="dimmed">{t.empty}</Text>}
        {faq.data && faq.data.entries.length > 0 && (
          <Accordion variant="separated" multiple>
            {faq.data.entries.map((entry, index) => (
              <Accordion.Item key={index} value={String(index)}>
                <Accordion.Control>{entry.question}</Accordion.Control>
                <Accordion.Panel>
                  <OperatorHtml html={entry.answerHtml} />
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        )}
        {site.data?.contactPageEnabled && (
          <Text>
            {t.ask}{' '}
            <Anchor component={Link} to="/contact" underline="always">
              {t.contactUs}
            </Anchor>
          </Text>
        )}
      </Stack>
    </Container>
  );
}
