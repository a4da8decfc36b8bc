import { fireEvent, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { OperationsPage } from '../src/features/admin/operations/OperationsPage';
import { renderWithProviders } from './render';

function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(null, { status: 200 }) });
}

const failed = {
  id: 'op-1',
  kind: 'grant',
  memberId: 'm-1',
  memberLabel: 'alice@example.com',
  serverId: 's-1',
  serverName: 'Den',
  remoteId: 'r-1',
  identifier: null,
  grant: { libraries: ['a', 'b'], allowDownloads: true, allowTranscoding: false, sessionCap: 2 },
  status: 'failed',
  attempts: 1,
  nextAttemptAt: '2026-03-01T12:00:00.000Z',
  lastError: 'jellyfin: the user does not exist',
  createdAt: '2026-03-01T12:00:00.000Z',
  appliedAt: null,
  updatedAt: '2026-03-01T12:00:00.000Z',
};
const done = { ...failed, id: 'op-2', memberLabel: 'bob@example.com', status: 'done', lastError: null, appliedAt: '2026-03-01T12:01:00.000Z' };

afterEach(() => vi.restoreAllMocks());

describe('Operations page', () => {
  it('lists what needs attention with its error, and retries a failed operation', async () => {
    const get = vi.spyOn(api, 'GET').mockImplementation(((path: string, init?: { params?: { query?: { status?: string } } }) => {
      if (path === '/api/auth/session') return ok({ login: { role: { permissions: ['operations.read', 'operations.write'] } } });
      if (path === '/api/admin/operations/counts') return ok({ pending: 0, running: 0, failed: 1 });
      if (path === '/api/admin/operations') {
        const status = init?.params?.query?.status;
        const items = status === 'done' ? [done] : [failed];
        return ok({ items, total: items.length, page: 1, pageSize: 25, counts: { pending: 0, running: 0, failed: 1 } });
      }
      return ok({ items: [], total: 0, page: 1, pageSize: 25 });
    }) as never);
    const post = vi.spyOn(api, 'POST').mockImplementation((() => ok({ ...failed, status: 'pending' })) as never);
    renderWithProviders(
      <MemoryRouter>
        <OperationsPage />
      </MemoryRouter>,
    );

    expect(await screen.findByText('jellyfin: the user does not exist')).toBeTruthy();
    expect(screen.getByText('Share libraries')).toBeTruthy();
    expect(screen.getByText('2 libraries · downloads, 2 streams')).toBeTruthy();
    const calls = get.mock.calls as unknown as [string, { params: { query: { status?: string } } }?][];
    expect(calls.find(([path]) => path === '/api/admin/operations')?.[1]?.params.query.status).toBe('pending,running,failed');

    fireEvent.click(screen.getByRole('button', { name: 'Actions for Share libraries for alice@example.com' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Retry now' }));
    await waitFor(() => expect(post).toHaveBeenCalledWith('/api/admin/operations/{id}/retry', { params: { path: { id: 'op-1' } }, body: {} }));
  });
});
