import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, type Schemas } from '../src/api/client';
import { BulkMembersDialog, EditMemberDialog } from '../src/features/admin/members/MemberDialogs';
import { renderWithProviders } from './render';

function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(null, { status: 200 }) });
}

const render = (ui: ReactElement) => renderWithProviders(<MemoryRouter>{ui}</MemoryRouter>);

afterEach(() => vi.restoreAllMocks());

const member = {
  id: 'm1',
  email: 'ann@example.com',
  username: 'ann',
  displayName: null,
  permanent: false,
  source: 'invite',
  importExpiresAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  paypalEmail: null,
  discordId: null,
  notes: 'old note',
  weeklyDownloadQuota: 3,
  requiresPlexAccountChange: false,
  masterMemberId: null,
  accounts: [],
  status: { state: 'expired', reason: 'no_payments', until: null, expiredAt: null, startsAt: null, paymentId: null, planId: null, planName: null },
} satisfies Schemas['MemberDetail'];

describe('Edit member', () => {
  it('refuses a malformed Discord id before saving, then sends every field, blanks as null', async () => {
    const patch = vi.spyOn(api, 'PATCH').mockImplementation((() => ok(member)) as never);
    const onClose = vi.fn();
    render(<EditMemberDialog member={member} onClose={onClose} />);
    fireEvent.change(screen.getByLabelText(/Discord ID/), { target: { value: '12ab' } });
    expect(await screen.findByText('A Discord ID is 17 to 20 digits')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', true);
    fireEvent.change(screen.getByLabelText(/Discord ID/), { target: { value: '123456789012345678' } });
    fireEvent.change(screen.getByLabelText(/Notes/), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const body = (patch.mock.calls[0]![1] as { body: Record<string, unknown> }).body;
    expect(body).toMatchObject({ email: 'ann@example.com', discordId: '123456789012345678', notes: null, weeklyDownloadQuota: 3, paypalEmail: null, permanent: false });
  });
});

describe('Bulk member actions', () => {
  it('extends the selection by the days chosen and lists the members that failed', async () => {
    const post = vi.spyOn(api, 'POST').mockImplementation((() =>
      ok({ results: [{ id: 'a', ok: true, error: null }, { id: 'b', ok: false, error: { code: 'member_not_found', message: 'No member has the id b.' } }] })) as never);
    const onClose = vi.fn();
    render(<BulkMembersDialog action="extend" members={[{ id: 'a', email: 'a@example.com', username: null }, { id: 'b', email: 'b@example.com', username: null }]} onClose={onClose} />);
    fireEvent.change(screen.getByLabelText('Days'), { target: { value: '7' } });
    fireEvent.click(screen.getByRole('button', { name: 'Extend' }));
    expect(await screen.findByText(/No member has the id b\./)).toBeTruthy();
    expect(screen.getByText('b@example.com')).toBeTruthy();
    expect(onClose).not.toHaveBeenCalled();
    expect(post.mock.calls[0]![0]).toBe('/api/admin/members/bulk');
    expect((post.mock.calls[0]![1] as { body: unknown }).body).toEqual({ ids: ['a', 'b'], action: 'extend', days: 7 });
  });
});
