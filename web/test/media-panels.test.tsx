import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { GroupSelect } from '../src/features/admin/libraries/LibrariesPage';
import type { Library, LibraryGroup } from '../src/features/admin/media/queries';
import { AddPlexAccountModal } from '../src/features/admin/plex-accounts/PlexAccountDialogs';
import { SyncAllModal } from '../src/features/admin/servers/SyncDialogs';
import { renderWithProviders } from './render';

type Call = [path: string, init?: { body?: unknown; params?: unknown }];

/** What openapi-fetch resolves to, so `unwrap` sees a real status. */
function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(null, { status: 200 }) });
}
function fail(status: number, code: string, message: string, details?: unknown) {
  return Promise.resolve({ error: { error: { code, message, details } }, response: new Response(null, { status }) });
}

function mockApi(method: 'GET' | 'POST' | 'PUT', answer: (path: string, init?: { body?: unknown }) => unknown) {
  return vi.spyOn(api, method).mockImplementation(((path: string, init?: { body?: unknown }) => answer(path, init)) as never);
}

const render = (ui: ReactElement) => renderWithProviders(<MemoryRouter>{ui}</MemoryRouter>);

afterEach(() => vi.restoreAllMocks());

describe('Add Plex account', () => {
  const info = { plexUserId: '1', username: 'owner', email: 'owner@example.com', plexPass: true };

  it('enables Save only after Test Token passed for the token now typed', async () => {
    const post = mockApi('POST', (path) => (path === '/api/admin/plex-accounts/test' ? ok(info) : ok({ id: 'a1', username: 'owner' })));
    const onDone = vi.fn(() => Promise.resolve());
    render(<AddPlexAccountModal onClose={() => {}} onDone={onDone} />);
    const save = screen.getByRole('button', { name: 'Save' });
    expect(save).toHaveProperty('disabled', true);

    fireEvent.change(screen.getByLabelText(/Plex token/), { target: { value: 'token-1' } });
    expect(save).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('button', { name: 'Test Token' }));
    await screen.findByText('The token works');
    expect(post).toHaveBeenCalledWith('/api/admin/plex-accounts/test', { body: { token: 'token-1' } });
    expect(save).toHaveProperty('disabled', false);

    // Another token has not been tested.
    fireEvent.change(screen.getByLabelText(/Plex token/), { target: { value: 'token-2' } });
    expect(save).toHaveProperty('disabled', true);
    expect(screen.queryByText('The token works')).toBeNull();
    fireEvent.change(screen.getByLabelText(/Plex token/), { target: { value: 'token-1' } });
    expect(save).toHaveProperty('disabled', false);

    fireEvent.click(save);
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const saved = (post.mock.calls as unknown as Call[]).find(([path]) => path === '/api/admin/plex-accounts');
    expect(saved?.[1]?.body).toEqual({ token: 'token-1', plexPassOverride: null });
  });

  it('shows plex.tv’s refusal with how to fix it, and keeps Save locked', async () => {
    mockApi('POST', () => fail(502, 'integration_unauthorized', 'plex.tv refused the token.', { fix: 'Sign in with Plex again to get a fresh token.' }));
    render(<AddPlexAccountModal onClose={() => {}} onDone={() => Promise.resolve()} />);
    fireEvent.change(screen.getByLabelText(/Plex token/), { target: { value: 'stale' } });
    fireEvent.click(screen.getByRole('button', { name: 'Test Token' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('plex.tv refused the token.');
    expect(alert.textContent).toContain('How to fix: Sign in with Plex again to get a fresh token.');
    expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', true);
  });
});

describe('Library group select', () => {
  const groups: LibraryGroup[] = [
    { id: 'private', name: 'Private', builtin: 'private', locked: true, libraries: 1 },
    { id: 'standard', name: 'Standard', builtin: 'standard', locked: true, libraries: 0 },
  ];
  const library: Library = {
    id: 'lib-1',
    serverId: 's1',
    serverName: 'Den',
    remoteId: '7',
    title: 'Movies',
    type: 'movie',
    groupId: 'private',
    groupName: 'Private',
    itemCount: null,
    removedAt: null,
  };

  it('puts the library in the chosen group and refreshes', async () => {
    const put = mockApi('PUT', () => ok({ ok: true }));
    const onChanged = vi.fn(() => Promise.resolve());
    render(<GroupSelect library={library} groups={groups} disabled={false} onChanged={onChanged} />);
    fireEvent.click(screen.getByRole('textbox', { name: 'Group of Movies on Den' }));
    fireEvent.click(await screen.findByRole('option', { name: 'Standard' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(put).toHaveBeenCalledWith('/api/admin/libraries/{id}/group', { params: { path: { id: 'lib-1' } }, body: { groupId: 'standard' } });
  });
});

describe('Sync all', () => {
  it('follows the job run to the end and then points at the accounts waiting for import', async () => {
    mockApi('POST', () => ok({ runId: 'run-1' }));
    const runs = [
      { id: 'run-1', status: 'running', progress: 0.5, message: '1 of 2 servers synced' },
      { id: 'run-1', status: 'succeeded', progress: 1, message: 'Synced 2 servers; imported 0 members.' },
    ];
    const get = mockApi('GET', (path) => {
      if (path === '/api/admin/jobs/runs/{id}') return ok(runs.length > 1 ? runs.shift() : runs[0]);
      return ok({ items: [{ serverId: 's1', serverName: 'Den', kind: 'jellyfin', accounts: [{ remoteId: 'u1', username: 'a', email: null, state: 'active' }] }] });
    });
    render(<SyncAllModal onClose={() => {}} />);
    await screen.findByText(/1 of 2 servers synced/);
    await screen.findByText('Synced 2 servers; imported 0 members.', undefined, { timeout: 3000 });
    await screen.findByText('1 account waiting to be imported');
    expect(get).toHaveBeenCalledWith('/api/admin/jobs/runs/{id}', { params: { path: { id: 'run-1' } } });
  });
});
