import { screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { MemberDetailPage } from '../src/features/admin/members/MemberDetailPage';
import { renderWithProviders } from './render';

function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(null, { status: 200 }) });
}

const account = {
  serverId: 's-1',
  serverName: 'Alpha',
  memberId: 'm-1',
  state: 'active',
  libraries: [],
  allowDownloads: false,
  invitedAt: null,
  acceptedAt: null,
  firstSeenAt: '2026-01-01T00:00:00.000Z',
};

const member = {
  id: 'm-1',
  email: 'new@example.com',
  username: 'ann',
  displayName: null,
  permanent: true,
  source: 'import',
  importExpiresAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  paypalEmail: null,
  discordId: null,
  notes: null,
  weeklyDownloadQuota: null,
  requiresPlexAccountChange: false,
  masterMemberId: null,
  status: { state: 'permanent', reason: 'permanent', until: null, expiredAt: null, startsAt: null, paymentId: null },
  accounts: [
    { ...account, id: 'a-old', remoteId: '1', username: 'old-plex', email: 'old@example.com', replacedAt: '2026-03-04T10:00:00.000Z' },
    { ...account, id: 'a-new', remoteId: '2', username: 'new-plex', email: 'new@example.com', state: 'pending', replacedAt: null },
  ],
};

afterEach(() => vi.restoreAllMocks());

describe('Member page accounts', () => {
  it('marks an account an identity change replaced with its date, and offers no second change on it', async () => {
    vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
      if (path === '/api/auth/session') return ok({ login: { role: { permissions: ['members.read', 'members.write'] } } });
      if (path === '/api/admin/members/{id}') return ok(member);
      return ok({ items: [] });
    }) as never);
    renderWithProviders(
      <MemoryRouter initialEntries={['/admin/members/m-1']}>
        <Routes>
          <Route path="/admin/members/:id" element={<MemberDetailPage />} />
        </Routes>
      </MemoryRouter>,
    );

    const oldRow = (await screen.findByText('old-plex')).closest('tr')!;
    expect(oldRow.textContent).toContain(`Replaced on ${new Date('2026-03-04T10:00:00.000Z').toLocaleDateString()}`);
    expect((oldRow.querySelector('button') as HTMLButtonElement).disabled).toBe(true);
    const newRow = screen.getByText('new-plex').closest('tr')!;
    expect(newRow.textContent).not.toContain('Replaced on');
    expect((newRow.querySelector('button') as HTMLButtonElement).disabled).toBe(false);
  });
});
