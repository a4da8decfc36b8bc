import { fireEvent, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { AccessChangesPage } from '../src/features/admin/access/AccessChangesPage';
import { renderWithProviders } from './render';

function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(null, { status: 200 }) });
}

const change = {
  serverId: 's-1',
  serverName: 'Den',
  serverKind: 'jellyfin',
  memberId: 'm-1',
  memberLabel: 'alice@example.com',
  kind: 'grant',
  phase: 'active',
  planName: 'Gold',
  librariesBefore: ['Movies', 'TV Shows'],
  librariesAfter: ['Movies'],
  allowDownloadsBefore: false,
  allowDownloadsAfter: true,
  allowTranscoding: false,
  sessionCap: 2,
};

afterEach(() => vi.restoreAllMocks());

describe('Access changes page', () => {
  it('lists the changes per server and turns remote writes on after a confirmation', async () => {
    let writes = false;
    vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
      if (path === '/api/auth/session')
        return ok({ login: { role: { permissions: ['servers.read', 'servers.write', 'settings.write'] } } });
      if (path === '/api/admin/access/dry-run') {
        return ok({
          syncSharedLibraries: writes,
          computedAt: '2026-03-01T12:00:00.000Z',
          members: 3,
          changes: [change],
          skipped: [],
          unconfiguredServers: [],
          enqueued: 0,
          placements: [],
          unplaced: [],
        });
      }
      return ok({ items: [] });
    }) as never);
    const put = vi.spyOn(api, 'PUT').mockImplementation((() => {
      writes = true;
      return ok({});
    }) as never);
    renderWithProviders(
      <MemoryRouter>
        <AccessChangesPage />
      </MemoryRouter>,
    );

    expect(await screen.findByText('alice@example.com')).toBeTruthy();
    expect(screen.getByText('Den')).toBeTruthy();
    expect(screen.getByText('Movies, TV Shows')).toBeTruthy();
    expect(screen.getByText('downloads · no video transcoding · 2 streams')).toBeTruthy();

    const toggle = screen.getByRole('switch', { name: 'Sync shared libraries to the servers' });
    expect((toggle as HTMLInputElement).checked).toBe(false);
    fireEvent.click(toggle);
    fireEvent.click(await screen.findByRole('button', { name: 'Turn on' }));
    await waitFor(() =>
      expect(put).toHaveBeenCalledWith('/api/admin/settings/{section}', {
        params: { path: { section: 'mediaServer' } },
        body: { values: { syncSharedLibraries: true } },
      }),
    );
    await waitFor(() =>
      expect((screen.getByRole('switch', { name: 'Sync shared libraries to the servers' }) as HTMLInputElement).checked).toBe(true),
    );
  });

  it('shows where members without an account are placed and who fits on no server', async () => {
    vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
      if (path === '/api/auth/session') return ok({ login: { role: { permissions: ['servers.read'] } } });
      if (path === '/api/admin/access/dry-run') {
        return ok({
          syncSharedLibraries: false,
          computedAt: '2026-03-01T12:00:00.000Z',
          members: 2,
          changes: [{ ...change, kind: 'provision', memberId: 'm-2', memberLabel: 'newbie', librariesBefore: [] }],
          skipped: [],
          unconfiguredServers: [],
          enqueued: 0,
          placements: [{ memberId: 'm-2', memberLabel: 'newbie', serverId: 's-1', serverName: 'Den', rule: 'manual' }],
          unplaced: [{ memberId: 'm-3', memberLabel: 'stranded', message: 'No server can take this member: of 1 server, 1 full.' }],
        });
      }
      return ok({ items: [] });
    }) as never);
    renderWithProviders(
      <MemoryRouter>
        <AccessChangesPage />
      </MemoryRouter>,
    );
    expect(await screen.findByText('1 active member(s) fit on no server')).toBeTruthy();
    expect(screen.getByText(/No server can take this member: of 1 server, 1 full\./)).toBeTruthy();
    expect(screen.getByText(/newbie → Den \(chosen by the admin\)/)).toBeTruthy();
  });
});
