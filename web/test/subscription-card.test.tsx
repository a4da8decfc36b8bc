import { fireEvent, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { SubscriptionCard } from '../src/features/portal/account/SubscriptionCard';
import { renderWithProviders } from './render';

function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(null, { status: 200 }) });
}

function refused(status: number, code: string, message: string) {
  return Promise.resolve({ error: { error: { code, message } }, response: new Response(null, { status }) });
}

const account = {
  id: 'l-1',
  email: 'viewer@example.com',
  displayName: null,
  createdAt: '2026-03-01T12:00:00.000Z',
  lastLoginAt: null,
  twoFactor: { totp: false, email: false },
};

const subscription = {
  status: {
    state: 'active',
    reason: 'payment',
    sentence: 'Your subscription is active until 1 April 2026.',
    until: '2026-04-01T00:00:00.000Z',
    expiredAt: null,
    startsAt: null,
  },
  plan: {
    name: 'Gold',
    description: 'Films',
    libraries: ['Movies'],
    libraryGroups: ['Movies only'],
    maxStreams: 2,
    allowDownloads: false,
    allowTranscoding: true,
  },
  servers: [
    {
      name: 'Alpha',
      kind: 'plex',
      state: 'pending',
      username: 'viewer@example.com',
      address: null,
      instructions: 'Your invite to Alpha is waiting.',
    },
  ],
  operations: [
    {
      kind: 'provision',
      status: 'failed',
      serverName: 'Alpha',
      sentence: 'Sending your invite to Alpha failed. The administrator has been told.',
      since: '2026-03-01T12:00:00.000Z',
    },
  ],
  requiresPlexAccountChange: false,
  reinvite: { available: true, code: null, reason: null, retryAt: null },
};

function mockGet(hasSubscription: boolean, sub: unknown = subscription) {
  return vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
    if (path === '/api/portal/account') return ok({ ...account, hasSubscription });
    if (path === '/api/portal/subscription') return ok(sub);
    throw new Error(`unexpected GET ${path}`);
  }) as never);
}

function renderCard() {
  renderWithProviders(
    <MemoryRouter>
      <SubscriptionCard />
    </MemoryRouter>,
  );
}

afterEach(() => vi.restoreAllMocks());

describe('My Account → Subscription', () => {
  it('shows the status sentence, plan contents, server instructions and pending changes', async () => {
    mockGet(true);
    renderCard();
    expect(await screen.findByText('Your subscription is active until 1 April 2026.')).toBeTruthy();
    expect(screen.getByText('Libraries: Movies')).toBeTruthy();
    expect(screen.getByText('Up to 2 simultaneous streams')).toBeTruthy();
    expect(screen.getByText('No downloads')).toBeTruthy();
    expect(screen.getByText('Invite waiting')).toBeTruthy();
    expect(screen.getByText('Your invite to Alpha is waiting.')).toBeTruthy();
    expect(screen.getByText('Sending your invite to Alpha failed. The administrator has been told.')).toBeTruthy();
  });

  it('a login with no subscription gets a note, and the subscription is never requested', async () => {
    const get = mockGet(false);
    renderCard();
    expect(await screen.findByTestId('no-subscription')).toBeTruthy();
    expect((get.mock.calls as unknown as [string][]).map(([path]) => path)).not.toContain('/api/portal/subscription');
    expect(screen.queryByRole('button', { name: 'Re-invite me' })).toBeNull();
  });

  it('"Re-invite me" shows the result, or a titled reason for each refusal', async () => {
    mockGet(true);
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementationOnce((() =>
        ok({ result: 'queued', message: 'Your access to Alpha is being restored.', servers: ['Alpha'] })) as never)
      .mockImplementationOnce((() => refused(429, 'reinvite_rate_limited', 'Try again in 14 minutes.')) as never)
      .mockImplementationOnce((() => refused(409, 'nothing_to_reinvite', 'You already have every library.')) as never);
    renderCard();
    const button = await screen.findByRole('button', { name: 'Re-invite me' });

    fireEvent.click(button);
    expect(await screen.findByText('Your access to Alpha is being restored.')).toBeTruthy();
    expect(screen.getByText('Re-invite on its way')).toBeTruthy();

    fireEvent.click(button);
    expect(await screen.findByText('Please wait a little')).toBeTruthy();
    expect(screen.getByText('Try again in 14 minutes.')).toBeTruthy();

    fireEvent.click(button);
    expect(await screen.findByText('Nothing to re-invite')).toBeTruthy();
    expect(post).toHaveBeenCalledTimes(3);
  });

  it('when re-inviting is not possible, the button is greyed out with the reason', async () => {
    mockGet(true, {
      ...subscription,
      reinvite: { available: false, code: 'server_sync_off', reason: 'Usher does not change the servers yet.', retryAt: null },
    });
    renderCard();
    expect(((await screen.findByRole('button', { name: 'Re-invite me' })) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('reinvite-unavailable').textContent).toBe('Usher does not change the servers yet.');
  });

  it('is hidden when the admin turned it off', async () => {
    mockGet(true, { ...subscription, reinvite: { available: false, code: 'reinvite_disabled', reason: 'Off.', retryAt: null } });
    renderCard();
    expect(await screen.findByText('Your subscription is active until 1 April 2026.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Re-invite me' })).toBeNull();
  });
});
