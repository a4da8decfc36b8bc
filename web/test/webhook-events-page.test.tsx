import { fireEvent, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { WebhookEventsPage } from '../src/features/admin/payments/WebhookEventsPage';
import { renderWithProviders } from './render';

function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(null, { status: 200 }) });
}

const unmatched = {
  id: 'ge-1',
  gateway: 'stripe',
  account: 'stripe',
  eventId: 'evt_123',
  gatewayType: 'checkout.session.completed',
  type: 'payment.succeeded',
  status: 'unmatched',
  memberId: null,
  paymentId: null,
  error: null,
  receivedAt: '2026-03-01T12:00:00.000Z',
  appliedAt: null,
};

afterEach(() => vi.restoreAllMocks());

describe('Webhook events page', () => {
  it('shows each event with its status and replays an unmatched one', async () => {
    vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
      if (path === '/api/auth/session') return ok({ login: { role: { permissions: ['payments.read', 'payments.write'] } } });
      if (path === '/api/admin/payments/events') return ok({ items: [unmatched], total: 1, page: 1, pageSize: 25 });
      return ok({ items: [] });
    }) as never);
    const post = vi.spyOn(api, 'POST').mockImplementation((() => ok({ ...unmatched, status: 'applied', payload: '{}' })) as never);
    renderWithProviders(
      <MemoryRouter>
        <WebhookEventsPage />
      </MemoryRouter>,
    );

    expect(await screen.findByText('checkout.session.completed')).toBeTruthy();
    expect(screen.getAllByText('unmatched').length).toBeGreaterThan(0);
    fireEvent.click(screen.getByRole('button', { name: 'Actions for checkout.session.completed' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Replay' }));
    await waitFor(() =>
      expect(post).toHaveBeenCalledWith('/api/admin/payments/events/{id}/replay', { params: { path: { id: 'ge-1' } }, body: {} }),
    );
  });
});
