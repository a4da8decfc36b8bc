import { fireEvent, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { PlanDialog } from '../src/features/admin/plans/PlanDialog';
import { parseMajor, minorToMajor } from '../src/lib/money';
import { renderWithProviders } from './render';

function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(null, { status: 200 }) });
}
function fail(status: number, code: string, message: string) {
  return Promise.resolve({ error: { error: { code, message } }, response: new Response(null, { status }) });
}

const session = { authenticated: true, login: { id: 'l1', email: 'a@example.com', isAdmin: true, role: { id: 'r', name: 'Administrator', permissions: ['*'] } } };
const groups = [{ id: 'group-standard', name: 'Standard', builtin: 'standard', locked: true, libraries: 3 }];

function mockGets(currency: string) {
  vi.spyOn(api, 'GET').mockImplementation(((path: string) => {
    if (path === '/api/auth/session') return ok(session);
    if (path === '/api/admin/library-groups') return ok({ items: groups });
    if (path === '/api/admin/servers') return ok({ items: [] });
    if (path === '/api/admin/plans') return ok({ items: [{ id: 'plan-default', currency }] });
    throw new Error(`unexpected GET ${path}`);
  }) as never);
}

afterEach(() => vi.restoreAllMocks());

describe('money in the browser', () => {
  it('reads and writes ISO minor units', () => {
    expect(parseMajor('12.99', 'USD')).toBe(1299);
    expect(parseMajor('12.999', 'USD')).toBeNull();
    expect(parseMajor('1500', 'JPY')).toBe(1500);
    expect(parseMajor('1.5', 'JPY')).toBeNull();
    expect(parseMajor('1.234', 'KWD')).toBe(1234);
    expect(minorToMajor(5, 'USD')).toBe('0.05');
  });
});

describe('Add plan', () => {
  it('sends the cost in minor units of the site currency and shows a refusal by its rule', async () => {
    mockGets('EUR');
    const post = vi.spyOn(api, 'POST').mockImplementation((() => fail(400, 'downloads_need_plex_pass', 'Downloads need Plex Pass: the Plex account of Den has no Plex Pass.')) as never);
    const onDone = vi.fn(() => Promise.resolve());
    renderWithProviders(
      <MemoryRouter>
        <PlanDialog plan={null} onClose={() => {}} onDone={onDone} />
      </MemoryRouter>,
    );
    fireEvent.change(screen.getByLabelText(/^Name/), { target: { value: 'Gold' } });
    const cost = await screen.findByLabelText(/Cost \(EUR\)/);
    fireEvent.change(cost, { target: { value: '9.999' } });
    expect(screen.getByRole('button', { name: 'Add plan' })).toHaveProperty('disabled', true);
    fireEvent.change(cost, { target: { value: '9.99' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add plan' }));
    await screen.findByText(/Downloads need Plex Pass/);
    expect(onDone).not.toHaveBeenCalled();
    await waitFor(() => expect(post).toHaveBeenCalled());
    const body = (post.mock.calls[0] as unknown as [string, { body: Record<string, unknown> }])[1].body;
    expect(body).toMatchObject({ name: 'Gold', costMinor: 999, duration: { unit: 'months', count: 1 }, libraryGroupIds: ['group-standard'], trialDays: null, streamLimitPolicy: 'newest' });
    // The whole dialog is queried by label and role several times: close to 5 s on a loaded machine.
  }, 15_000);
});
