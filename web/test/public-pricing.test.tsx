import { screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Schemas } from '../src/api/client';
import { PricingSection } from '../src/features/public/PricingCards';
import { renderWithProviders } from './render';

const plan = (over: Partial<Schemas['PricingPlan']>): Schemas['PricingPlan'] => ({
  id: 'p1',
  name: 'Premium',
  description: 'Everything',
  costMinor: 1299,
  currency: 'USD',
  duration: { unit: 'months', count: 1 },
  trialDays: null,
  maxStreams: 4,
  allowDownloads: true,
  allowTranscoding: false,
  includes4k: true,
  libraryGroups: ['Standard', 'Premium 4K'],
  billing: { recurring: true, oneOff: false },
  ...over,
});

describe('pricing cards', () => {
  it('say what each plan includes, its price per period and how it is paid', () => {
    renderWithProviders(
      <MemoryRouter>
        <PricingSection
          ctaTo="/register"
          pricing={{
            html: '<p>All prices include tax.</p>',
            plans: [plan({}), plan({ id: 'p2', name: 'Trial', costMinor: 0, trialDays: 7, maxStreams: null, includes4k: false, allowDownloads: false, billing: { recurring: false, oneOff: false } })],
          }}
        />
      </MemoryRouter>,
    );
    expect(screen.getByText('All prices include tax.')).toBeTruthy();
    const premium = within(screen.getByRole('article', { name: 'Premium' }));
    expect(premium.getByText('$12.99')).toBeTruthy();
    expect(premium.getByText('per month')).toBeTruthy();
    expect(premium.getByText('Renews automatically; cancel any time')).toBeTruthy();
    expect(premium.getByText('Libraries: Standard, Premium 4K')).toBeTruthy();
    expect(premium.getByText('4 streams at a time')).toBeTruthy();
    expect(premium.getByText('4K libraries included')).toBeTruthy();
    expect(premium.getByText('Direct play only')).toBeTruthy();
    expect(premium.getByRole('link', { name: 'Get started: Premium' }).getAttribute('href')).toBe('/register');
    const trial = within(screen.getByRole('article', { name: 'Trial' }));
    expect(trial.getByText('Free trial for 7 days')).toBeTruthy();
    expect(trial.getByText('Unlimited streams')).toBeTruthy();
    expect(trial.getByText('No downloads')).toBeTruthy();
  });
});
