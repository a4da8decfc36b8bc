import { Badge, Button, Card, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { Schemas } from '../../api/client';
import { formatMinor } from '../../lib/money';
import { OperatorHtml } from './OperatorHtml';
import { publicText } from './strings';

type Pricing = Schemas['Pricing'];
type Plan = Schemas['PricingPlan'];

function Fact({ ok, children }: { ok: boolean; children: string }) {
  return (
    <List.Item icon={ok ? <IconCheck size={16} aria-hidden="true" /> : <IconX size={16} aria-hidden="true" />}>
      <Text size="sm" c={ok ? undefined : 'dimmed'}>
        {children}
      </Text>
    </List.Item>
  );
}

function PlanCard({ plan, ctaTo }: { plan: Plan; ctaTo: string }) {
  const t = publicText.pricing;
  const billing = t.billing(plan.billing.recurring, plan.billing.oneOff);
  return (
    <Card withBorder radius="md" padding="lg" component="article" aria-labelledby={`plan-${plan.id}`}>
      <Stack gap="sm" h="100%">
        <Title order={3} id={`plan-${plan.id}`} fz="lg">
          {plan.name}
        </Title>
        {plan.trialDays !== null ? (
          <Badge variant="light" size="lg">
            {t.trial(plan.trialDays)}
          </Badge>
        ) : (
          <Text>
            <Text span fz={28} fw={700}>
              {plan.costMinor === 0 ? t.free : formatMinor(plan.costMinor, plan.currency)}
            </Text>{' '}
            <Text span c="dimmed">
              {t.per(plan.duration.count, plan.duration.unit)}
            </Text>
          </Text>
        )}
        {billing && (
          <Text size="sm" c="dimmed">
            {billing}
          </Text>
        )}
        {plan.description && <Text size="sm">{plan.description}</Text>}
        <List spacing={6} size="sm" center aria-label={t.includes}>
          <Fact ok>{t.libraries(plan.libraryGroups)}</Fact>
          <Fact ok>{t.streams(plan.maxStreams)}</Fact>
          <Fact ok={plan.includes4k}>{t.fourK(plan.includes4k)}</Fact>
          <Fact ok={plan.allowDownloads}>{t.downloads(plan.allowDownloads)}</Fact>
          <Fact ok={plan.allowTranscoding}>{t.transcoding(plan.allowTranscoding)}</Fact>
        </List>
        <Button component={Link} to={ctaTo} mt="auto" aria-label={`${t.choose}: ${plan.name}`}>
          {t.choose}
        </Button>
      </Stack>
    </Card>
  );
}

export function PricingSection({ pricing, ctaTo }: { pricing: Pricing; ctaTo: string }) {
  return (
    <Stack component="section" aria-labelledby="pricing-title" gap="lg" id="pricing">
      <Title order={2} id="pricing-title" ta="center">
        {publicText.pricing.title}
      </Title>
      <OperatorHtml html={pricing.html} />
      {pricing.plans.length === 0 ? (
        <Text c="dimmed" ta="center">
          {publicText.pricing.none}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: Math.min(pricing.plans.length, 3) }} spacing="lg">
          {pricing.plans.map((plan) => (
            <PlanCard key={plan.id} plan={plan} ctaTo={ctaTo} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
