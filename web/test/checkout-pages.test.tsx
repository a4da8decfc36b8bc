import { fireEvent, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { CheckoutReturnPage } from '../src/features/portal/CheckoutReturnPage';
import { SubscribePage } from '../src/features/portal/SubscribePage';
import { renderWithProviders } from './render';

function ok(data: unknown, status = 200) {
  return Promise.resolve({ data, response: new Response(null, { status }) });
}

const plan = (over: object) => ({
  id: 'gold',
  name: 'Gold',
  description: 'Films, two screens',
  priceMinor: 1000,
  period: { unit: 'months', count: 1 },
  maxStreams: 2,
  allowDownloads: false,
  allowTranscoding: true,
  includes4k: true,
  libraryGroups: ['Films'],
  current: false,
  modes: [
    { mode: 'one_off', gateways: ['paypal', 'stripe'] },
    { mode: 'recurring', gateways: ['stripe'] },
  ],
  locations: [],
  ...over,
});

const options = {
  currency: 'USD',
  plans: [plan({}), plan({ id: 'basic', name: 'Basic', priceMinor: 500, includes4k: false, modes: [{ mode: 'one_off', gateways: ['paypal', 'stripe'] }], locations: [{ id: 'eu', name: 'Europe' }, { id: 'us', name: 'America' }] })],
  gateways: [
    { account: 'paypal', kind: 'paypal', label: 'PayPal', modes: ['one_off'] },
    { account: 'stripe', kind: 'stripe', label: 'Card (Stripe)', modes: ['one_off', 'recurring'] },
  ],
};

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('Subscribe', () => {
  it('shows plan cards, offers the mode toggle and location only when there is a choice, and sends the browser to the gateway', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() => ok(options)) as never);
    const post = vi.spyOn(api, 'POST').mockImplementation((() => ok({ id: 'c-1', redirectUrl: 'https://pay.example/cs_1' }, 201)) as never);
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    renderWithProviders(
      <MemoryRouter>
        <SubscribePage />
      </MemoryRouter>,
    );
    expect(await screen.findByRole('radio', { name: /Gold, \$10\.00 per month/ })).toBeTruthy();
    expect(screen.getByText('4K')).toBeTruthy();
    expect(screen.getAllByText('Libraries: Films')).toHaveLength(2);
    expect(screen.getByLabelText('How to pay')).toBeTruthy();
    // Gold is in one location only: no location field until a plan with several is chosen.
    expect(screen.queryByLabelText('Server location')).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: /Basic/ }));
    expect(screen.getByRole('textbox', { name: 'Server location' })).toBeTruthy();

    // Recurring lists only the plans and gateways that take it.
    fireEvent.click(screen.getByText('Subscribe (renews automatically)'));
    expect(screen.queryByRole('radio', { name: /Basic/ })).toBeNull();
    expect(screen.queryByRole('radio', { name: 'PayPal' })).toBeNull();
    expect((screen.getByRole('radio', { name: 'Card (Stripe)' }) as HTMLInputElement).checked).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Continue to payment' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://pay.example/cs_1'));
    expect(post.mock.calls[0]![1]).toEqual({ body: { planId: 'gold', mode: 'recurring', gatewayAccount: 'stripe' } });
    vi.unstubAllGlobals();
  });

  it('says so when nothing is on sale', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() => ok({ currency: 'USD', plans: [], gateways: [] })) as never);
    renderWithProviders(
      <MemoryRouter>
        <SubscribePage />
      </MemoryRouter>,
    );
    expect(await screen.findByText('Nothing to subscribe to right now')).toBeTruthy();
  });
});

const checkout = (status: string) => ({
  id: 'c-1',
  status,
  plan: { id: 'gold', name: 'Gold' },
  gatewayAccount: 'stripe',
  gatewayLabel: 'Card (Stripe)',
  mode: 'one_off',
  amountMinor: 1000,
  currency: 'USD',
  failureReason: null,
  createdAt: '2026-03-01T12:00:00.000Z',
  access: status === 'paid' ? { state: 'active', until: '2026-04-01T12:00:00.000Z' } : { state: 'expired', until: null },
});

function renderReturn(query: string) {
  renderWithProviders(
    <MemoryRouter initialEntries={[`/portal/checkout/return${query}`]}>
      <Routes>
        <Route path="/portal/checkout/return" element={<CheckoutReturnPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

describe('Checkout return page', () => {
  it('back from the gateway’s Cancel: cancels the checkout and says the payment was cancelled', async () => {
    const post = vi.spyOn(api, 'POST').mockImplementation((() => ok(checkout('cancelled'))) as never);
    vi.spyOn(api, 'GET').mockImplementation((() => ok(checkout('cancelled'))) as never);
    renderReturn('?checkout=c-1&cancelled=1');
    expect(await screen.findByText('Payment cancelled')).toBeTruthy();
    expect(post).toHaveBeenCalledWith('/api/portal/checkouts/{id}/cancel', { params: { path: { id: 'c-1' } } });
  });

  it('polls until the gateway confirms, and grants nothing itself', async () => {
    const get = vi
      .spyOn(api, 'GET')
      .mockImplementationOnce((() => ok(checkout('open'))) as never)
      .mockImplementation((() => ok(checkout('paid'))) as never);
    const post = vi.spyOn(api, 'POST');
    renderReturn('?checkout=c-1');
    expect(await screen.findByText(/Waiting for Card \(Stripe\) to confirm/)).toBeTruthy();
    expect(await screen.findByText('Payment received', {}, { timeout: 4000 })).toBeTruthy();
    expect(screen.getByText(/active until/)).toBeTruthy();
    expect(get.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(post).not.toHaveBeenCalled();
  });
});
