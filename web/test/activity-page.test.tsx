import { screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { ActivityPage } from '../src/features/admin/activity/ActivityPage';
import { renderWithProviders } from './render';

function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(null, { status: 200 }) });
}

const base = {
  memberId: 'm-1',
  memberName: 'Alice',
  planName: 'Duo',
  username: 'alice',
  device: 'TV',
  player: 'Plex for Android (TV)',
  ip: '198.51.100.0',
  state: 'playing',
  title: 'Big Buck Bunny',
  videoTranscode: false,
  source4k: false,
  startedAt: '2026-03-01T12:00:00.000Z',
  verdict: 'ok',
  rules: [],
  message: null,
};

afterEach(() => vi.restoreAllMocks());

describe('Activity page', () => {
  it('shows each server’s streams with the decision, and warns when no instance watches the servers', async () => {
    const get = vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
      if (path === '/api/auth/session') return ok({ login: { role: { permissions: ['activity.read'] } } });
      if (path === '/api/admin/activity/now-playing')
        return ok({
          monitor: { holder: null },
          servers: [
            {
              id: 's-1',
              name: 'Alpha',
              kind: 'plex',
              canStop: true,
              error: null,
              sessions: [
                base,
                { ...base, sessionId: 'b', device: 'Tablet', videoTranscode: true, verdict: 'stop', rules: ['stream_limit'], message: 'Too many devices' },
              ].map((s, i) => ({ sessionId: `s${i}`, ...s })),
            },
            { id: 's-2', name: 'Den', kind: 'jellyfin', canStop: true, error: null, sessions: [] },
          ],
        });
      return ok({ items: [], total: 0, page: 1, pageSize: 25 });
    }) as never);
    renderWithProviders(
      <MemoryRouter>
        <ActivityPage />
      </MemoryRouter>,
    );

    expect(await screen.findByText('Alpha')).toBeTruthy();
    expect(screen.getByText('Within plan')).toBeTruthy();
    expect(screen.getByText('Stopped')).toBeTruthy();
    expect(screen.getByText('Too many streams')).toBeTruthy();
    expect(screen.getByText('Nothing playing.')).toBeTruthy();
    expect(screen.getByText('Nothing is watching the servers')).toBeTruthy();
    expect(get.mock.calls.some((call) => (call as unknown[])[0] === '/api/admin/activity/now-playing')).toBe(true);
  });
});
