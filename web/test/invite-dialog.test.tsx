import { fireEvent, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { InviteMemberDialog } from '../src/features/admin/members/InviteMemberDialog';
import { renderWithProviders } from './render';

const ok = (data: unknown, status = 200) => Promise.resolve({ data, response: new Response(null, { status }) });
const failure = (status: number, error: unknown) => Promise.resolve({ error, response: new Response(null, { status }) });

const plan = { id: 'p1', name: 'Gold', active: true, currency: 'USD', costMinor: 1000, duration: { unit: 'months', count: 1 } };
const servers = [
  { id: 's1', name: 'Den', enabled: true },
  { id: 's2', name: 'Attic', enabled: false },
];

function mockGets() {
  return vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
    if (path === '/api/admin/plans') return ok({ items: [plan] });
    if (path === '/api/admin/servers') return ok({ items: servers });
    if (path === '/api/admin/server-locations') return ok({ items: [] });
    return ok({ items: [] });
  }) as never);
}

afterEach(() => vi.restoreAllMocks());

describe('Invite member', () => {
  it('sends automatic placement by default, and keeps a refused email next to its field', async () => {
    mockGets();
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementation((() =>
        failure(409, {
          error: {
            code: 'member_exists',
            message: 'A member with this email already exists; edit or renew them instead.',
            details: { field: 'email' },
          },
        })) as never);
    const onClose = vi.fn();
    renderWithProviders(
      <MemoryRouter>
        <InviteMemberDialog onClose={onClose} />
      </MemoryRouter>,
    );
    expect((screen.getAllByLabelText('Server')[0] as HTMLInputElement).value).toMatch(/Automatic/);
    fireEvent.change(screen.getByLabelText(/^Email/), { target: { value: 'ann@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Invite' }));
    expect(await screen.findByText('A member with this email already exists; edit or renew them instead.')).toBeTruthy();
    expect(onClose).not.toHaveBeenCalled();
    expect(post.mock.calls[0]![0]).toBe('/api/admin/members/invite');
    expect((post.mock.calls[0]![1] as { body: unknown }).body).toMatchObject({
      email: 'ann@example.com',
      serverId: null,
      period: { periods: 1 },
      sequenceNumber: 1,
      sendNotification: true,
    });
  });

  it('closes and reports the server after a successful invite', async () => {
    mockGets();
    vi.spyOn(api, 'POST').mockImplementation((() =>
      ok(
        {
          memberId: 'm1',
          paymentId: 'pay1',
          serverId: 's1',
          serverName: 'Den',
          placementRule: 'any',
          notification: 'after_provision',
          member: { email: 'bo@example.com', username: null },
        },
        201,
      )) as never);
    const onClose = vi.fn();
    const onInvited = vi.fn();
    renderWithProviders(
      <MemoryRouter>
        <InviteMemberDialog onClose={onClose} onInvited={onInvited} />
      </MemoryRouter>,
    );
    fireEvent.change(screen.getByLabelText(/^Email/), { target: { value: 'bo@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Invite' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(onInvited.mock.calls[0]![0]).toMatchObject({ serverName: 'Den' });
  });
});
