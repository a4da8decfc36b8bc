import { fireEvent, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { ImportPage } from '../src/features/admin/members/ImportPage';
import { renderWithProviders } from './render';

function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(null, { status: 200 }) });
}

const preview = {
  items: [
    {
      serverId: 's1',
      serverName: 'Den',
      kind: 'jellyfin',
      accounts: [
        { remoteId: 'r1', username: 'alice', email: null, state: 'active' },
        { remoteId: 'r2', username: 'bob', email: null, state: 'active' },
      ],
    },
  ],
};

afterEach(() => vi.restoreAllMocks());

describe('Import preview rows (reference §2.11)', () => {
  it('each row offers Permanent or Default plan until DATE; a row set apart is sent with the date', async () => {
    vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
      if (path === '/api/auth/session') return ok({ login: { role: { permissions: ['members.read', 'members.write'] } } });
      if (path === '/api/admin/members/import/preview') return ok(preview);
      return ok({ items: [] });
    }) as never);
    const post = vi.spyOn(api, 'POST').mockImplementation((() => ok({ imported: 2 })) as never);
    renderWithProviders(
      <MemoryRouter>
        <ImportPage />
      </MemoryRouter>,
    );

    const bob = (await screen.findByRole('combobox', { name: 'Import bob as' })) as HTMLSelectElement;
    expect(bob.value).toBe('permanent');
    expect([...bob.options].map((o) => o.text)).toEqual(['Permanent', expect.stringMatching(/^Default plan until /)]);
    // Permanent everywhere: no date asked.
    expect(screen.queryByLabelText('Access ends on')).toBeNull();

    fireEvent.change(bob, { target: { value: 'expiring' } });
    expect((screen.getByLabelText('Access ends on') as HTMLInputElement).value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((screen.getByRole('combobox', { name: 'Import alice as' }) as HTMLSelectElement).value).toBe('permanent');

    await waitFor(() => expect(screen.getByRole('button', { name: 'Import 2 accounts' }).hasAttribute('disabled')).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Import 2 accounts' }));
    expect(await screen.findByText(/1 as permanent member \(they never expire\) and 1 on the default plan until/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(post).toHaveBeenCalled());
    const body = (post.mock.calls[0] as unknown as [string, { body: Record<string, unknown> }])[1].body;
    expect(body).toMatchObject({
      serverIds: ['s1'],
      mode: 'permanent',
      rows: [{ account: 's1:r2', mode: 'expiring' }],
      expiresAt: expect.any(String),
    });
  });
});
