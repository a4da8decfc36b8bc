import { fireEvent, screen } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../src/api/client';
import { BulkInviteDialog, exportAllMembers } from '../src/features/admin/members/BulkInviteDialog';
import { renderWithProviders } from './render';

const reply = (data: unknown, status = 200) =>
  Promise.resolve(
    status < 400 ? { data, response: new Response(null, { status }) } : { error: data, response: new Response(null, { status }) },
  );
const render = (ui: ReactElement) => renderWithProviders(<MemoryRouter>{ui}</MemoryRouter>);

afterEach(() => vi.restoreAllMocks());

const CSV = 'email,plan\nann@example.com,Monthly\nbad,Monthly\n';
const dryRun = {
  total: 2,
  valid: 1,
  invalid: 1,
  rows: [
    {
      row: 2,
      email: 'ann@example.com',
      username: null,
      ok: true,
      code: null,
      message: 'Ready to invite.',
      planName: 'Monthly',
      serverName: null,
    },
    {
      row: 3,
      email: 'bad',
      username: null,
      ok: false,
      code: 'bad_email',
      message: '"bad" is not an email address.',
      planName: null,
      serverName: null,
    },
  ],
};
const done = {
  id: 'b1',
  status: 'done',
  rowsTotal: 2,
  rowsDone: 2,
  invited: 1,
  skipped: 1,
  progress: 1,
  runId: 'r1',
  error: null,
  createdAt: '',
  finishedAt: '',
  results: [],
};

describe('Bulk invite (CSV)', () => {
  it('dry-runs the pasted file, shows each row, then starts the job and shows its progress and report', async () => {
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementation(((path: string) =>
        path.endsWith('/dry-run') ? reply(dryRun) : reply({ id: 'b1', runId: 'r1', total: 2, valid: 1 }, 202)) as never);
    const get = vi.spyOn(api, 'GET').mockImplementation((() => reply(done)) as never);
    render(<BulkInviteDialog onClose={() => undefined} />);
    expect(screen.getByRole('button', { name: 'Dry run' })).toHaveProperty('disabled', true);
    fireEvent.change(screen.getByLabelText('Or paste the CSV'), { target: { value: CSV } });
    fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(await screen.findByText('"bad" is not an email address.')).toBeTruthy();
    expect(screen.getByText('bad_email')).toBeTruthy();
    expect(screen.getByText(/1 row ready to invite, 1 row with problems/)).toBeTruthy();
    expect(post.mock.calls[0]![1]).toEqual({ body: { csv: CSV } });

    fireEvent.click(screen.getByRole('button', { name: 'Invite 1 member' }));
    expect(await screen.findByText(/Done: 2 of 2 rows — 1 member invited, 1 row skipped/)).toBeTruthy();
    expect(post.mock.calls[1]![0]).toBe('/api/admin/members/bulk-invite');
    expect(get.mock.calls[0]![1]).toEqual({ params: { path: { jobId: 'b1' }, query: { results: 'false' } } });
    expect(screen.getByText('Download report').closest('a')!.getAttribute('href')).toBe('/api/admin/members/bulk-invite/b1/report.csv');
  });

  it('editing the file after a dry run asks for a new one, and a refused file shows the server message', async () => {
    vi.spyOn(api, 'POST').mockImplementation((() =>
      reply({ error: { code: 'csv_unknown_column', message: 'Unknown column "colour".' } }, 400)) as never);
    render(<BulkInviteDialog onClose={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Or paste the CSV'), { target: { value: 'email,colour\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(await screen.findByText('Unknown column "colour".')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Invite/ })).toBeNull();
  });
});

describe('Export all members', () => {
  it('downloads the server export, which has status, plan and expiry for every member', async () => {
    const get = vi.spyOn(api, 'GET').mockImplementation((() => reply('id,email\r\nm1,ann@example.com\r\n')) as never);
    const save = vi.fn();
    await exportAllMembers(save);
    expect(get.mock.calls[0]![0]).toBe('/api/admin/members/export.csv');
    expect(save).toHaveBeenCalledWith('members.csv', 'id,email\r\nm1,ann@example.com\r\n');
  });
});
