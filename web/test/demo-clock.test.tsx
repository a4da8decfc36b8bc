import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { DemoClockControl } from '../src/features/admin/DemoClockControl';
import { renderWithProviders } from './render';

const json = (status: number, body: unknown) =>
  Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

/** GET /api/public/site says whether this is the demo. */
function site(demo: boolean) {
  return vi
    .spyOn(api, 'GET')
    .mockImplementation((() =>
      Promise.resolve({ data: { siteName: 'Usher', demo }, response: new Response(null, { status: 200 }) })) as never);
}

afterEach(() => vi.restoreAllMocks());

describe('Demo clock card', () => {
  it('outside demo mode it is not shown and never asks for the clock (which would be a 404)', async () => {
    const get = site(false);
    const fetch = vi
      .spyOn(globalThis, 'fetch')
      .mockImplementation((() => json(404, { error: { code: 'not_found', message: 'Not found' } })) as never);
    const { container } = renderWithProviders(<DemoClockControl />);
    await waitFor(() => expect(get).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 50));
    expect(fetch).not.toHaveBeenCalled();
    expect(container.querySelector('[data-testid="demo-clock"]')).toBeNull();
  });

  it('advances by the chosen days and tells what the pass did', async () => {
    site(true);
    const now = '2026-03-01T12:00:00.000Z';
    const fetch = vi.spyOn(globalThis, 'fetch').mockImplementation(((_url: string, init?: RequestInit) => {
      if (init?.method === 'POST')
        return json(200, {
          now: '2026-03-06T12:00:00.000Z',
          offsetMs: 5 * 86_400_000,
          syncSharedLibraries: true,
          pass: { changes: 1, applied: 1, failed: 0 },
        });
      return json(200, { now, offsetMs: 0, syncSharedLibraries: false, pass: null });
    }) as never);
    renderWithProviders(<DemoClockControl />);
    expect(await screen.findByText(/Syncing shared libraries to the servers is off/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Days'), { target: { value: '5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Advance the clock' }));
    expect(await screen.findByText('The pass found 1 change and applied 1.')).toBeTruthy();
    expect(screen.getByText(/5 days ahead of real time/)).toBeTruthy();
    const post = fetch.mock.calls.find(([, init]) => (init as RequestInit | undefined)?.method === 'POST')!;
    expect(post[0]).toBe('/api/admin/demo/clock/advance');
    expect(JSON.parse((post[1] as RequestInit).body as string)).toEqual({ days: 5 });
    expect(screen.getByRole('button', { name: 'Back to real time' })).toBeTruthy();
  });
});
