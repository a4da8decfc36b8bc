import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/client';
import { DataTable, pageLocally, toCsv, type DataTableColumn, type DataTablePage, type DataTableQuery } from '../src/components/data-table';
import { MemoryRouter, useLocation } from 'react-router';
import { renderWithProviders } from './render';

let lastSearch = '';
function LocationProbe() {
  lastSearch = useLocation().search;
  return null;
}

interface Person {
  id: string;
  name: string;
  age: number;
}

const people = (n: number): Person[] => Array.from({ length: n }, (_, i) => ({ id: `p${i + 1}`, name: `Person ${String(i + 1).padStart(3, '0')}`, age: 20 + (i % 50) }));

const columns: DataTableColumn<Person>[] = [
  { key: 'name', header: 'Name', sortable: true, value: (p) => p.name },
  { key: 'age', header: 'Age', sortable: true, value: (p) => p.age },
];

/** A fake server: pages, sorts and searches like the API, and records what it was asked. */
function server(rows: Person[]) {
  return vi.fn((query: DataTableQuery): Promise<DataTablePage<Person>> =>
    Promise.resolve(pageLocally(rows, query, { search: (p) => p.name, sortBy: { name: (p) => p.name, age: (p) => p.age } })),
  );
}

function table(fetchPage: ReturnType<typeof server>, extra: Partial<Parameters<typeof DataTable<Person>>[0]> = {}, url = '/people') {
  return renderWithProviders(
    <MemoryRouter initialEntries={[url]}>
      <DataTable<Person> queryKey={['people']} fetchPage={fetchPage} columns={columns} rowKey={(p) => p.id} searchPlaceholder="Search people" debounceMs={150} {...extra} />
      <LocationProbe />
    </MemoryRouter>,
  );
}

const range = () => screen.getByTestId('data-table-range').textContent;

describe('DataTable', () => {
  it('asks the server for one page at a time and moves between pages', async () => {
    const fetchPage = server(people(60));
    table(fetchPage);
    await screen.findByText('Person 001');
    expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ page: 1, pageSize: 25, q: '' }));
    expect(range()).toBe('1–25 of 60');
    expect(screen.queryByText('Person 026')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: '2' }));
    await screen.findByText('Person 026');
    expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ page: 2, pageSize: 25 }));
    expect(range()).toBe('26–50 of 60');

    fireEvent.click(screen.getByRole('button', { name: '3' }));
    await screen.findByText('Person 060');
    expect(range()).toBe('51–60 of 60');
  });

  it('offers page sizes up to 100 and goes back to page 1 when the size changes', async () => {
    const fetchPage = server(people(130));
    table(fetchPage);
    await screen.findByText('Person 001');
    fireEvent.click(screen.getByRole('button', { name: '2' }));
    await screen.findByText('Person 026');

    fireEvent.click(screen.getByRole('textbox', { name: 'Rows per page' }));
    const options = screen.getAllByRole('option').map((o) => o.textContent);
    expect(options).toEqual(['10', '25', '50', '100']);
    fireEvent.click(screen.getByRole('option', { name: '100' }));
    await waitFor(() => expect(range()).toBe('1–100 of 130'));
    expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ page: 1, pageSize: 100 }));
  });

  it('sorts by a column header, toggling the order, and says so to assistive technology', async () => {
    const fetchPage = server(people(30));
    table(fetchPage);
    await screen.findByText('Person 001');
    const ageHeader = () => screen.getByRole('columnheader', { name: /Age/ });

    fireEvent.click(within(ageHeader()).getByRole('button'));
    await waitFor(() => expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'age', order: 'asc', page: 1 })));
    expect(ageHeader().getAttribute('aria-sort')).toBe('ascending');

    fireEvent.click(within(ageHeader()).getByRole('button'));
    await waitFor(() => expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'age', order: 'desc' })));
    expect(ageHeader().getAttribute('aria-sort')).toBe('descending');
    // Ages run 20..49 over 30 people, so the oldest comes first.
    await waitFor(() => expect(within(screen.getAllByRole('row')[1]!).getByText('49')).toBeTruthy());
  });

  it('debounces the search box: fast typing sends one query, for the final text', async () => {
    const fetchPage = server(people(120));
    table(fetchPage);
    await screen.findByText('Person 001');
    const box = screen.getByRole('textbox', { name: 'Search' });
    fireEvent.change(box, { target: { value: '1' } });
    fireEvent.change(box, { target: { value: '10' } });
    fireEvent.change(box, { target: { value: '101' } });
    expect(fetchPage.mock.calls.every(([q]) => q.q === '')).toBe(true);

    await screen.findByText('Person 101');
    await waitFor(() => expect(range()).toBe('1–1 of 1'));
    const searched = fetchPage.mock.calls.map(([q]) => q.q).filter((q) => q !== '');
    expect(searched).toEqual(['101']);
  });

  it('exports the current query as CSV, walking every page at the largest page size', async () => {
    const rows = people(230);
    rows[0] = { id: 'p1', name: 'Doe, "Jane"', age: 41 };
    rows[1] = { id: 'p2', name: '=HYPERLINK("x")', age: 42 };
    const fetchPage = server(rows);
    const onDownload = vi.fn();
    table(fetchPage, { exportName: 'people', onDownload, initialSort: { key: 'age', order: 'desc' } });
    await screen.findAllByRole('row');
    await waitFor(() => expect(range()).toBe('1–25 of 230'));

    fireEvent.click(screen.getByRole('button', { name: 'Actions' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Export CSV' }));
    await waitFor(() => expect(onDownload).toHaveBeenCalledTimes(1));

    const exportCalls = fetchPage.mock.calls.map(([q]) => q).filter((q) => q.pageSize === 100);
    expect(exportCalls.map((q) => q.page)).toEqual([1, 2, 3]);
    expect(exportCalls.every((q) => q.sort === 'age' && q.order === 'desc')).toBe(true);

    const [fileName, csv] = onDownload.mock.calls[0] as [string, string];
    expect(fileName).toMatch(/^people-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(231);
    expect(lines[0]).toBe('Name,Age');
    expect(lines).toContain('"Doe, ""Jane""",41');
    expect(lines).toContain(`"'=HYPERLINK(""x"")",42`);
  });

  it('stops the export at the cap and keeps the search', async () => {
    const fetchPage = server(people(400));
    const onDownload = vi.fn();
    table(fetchPage, { exportName: 'people', onDownload, exportCap: 150 });
    await screen.findByText('Person 001');
    fireEvent.change(screen.getByRole('textbox', { name: 'Search' }), { target: { value: 'Person' } });
    await waitFor(() => expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ q: 'Person' })));

    fireEvent.click(screen.getByRole('button', { name: 'Actions' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Export CSV' }));
    await waitFor(() => expect(onDownload).toHaveBeenCalledTimes(1));
    const csv = onDownload.mock.calls[0]![1] as string;
    expect(csv.trimEnd().split('\r\n')).toHaveLength(151);
    expect(fetchPage.mock.calls.filter(([q]) => q.pageSize === 100).every(([q]) => q.q === 'Person')).toBe(true);
  });

  it('shows the server message and a retry when loading fails, then recovers', async () => {
    let fail = true;
    const fetchPage = vi.fn((query: DataTableQuery) =>
      fail ? Promise.reject(new ApiError(403, 'forbidden', 'Your role cannot see people.')) : server(people(3))(query),
    );
    table(fetchPage as ReturnType<typeof server>);
    expect(await screen.findByText('Your role cannot see people.')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Person 003')).toBeTruthy();
  });

  it('shows the loading state, then the empty message', async () => {
    let resolve!: (page: DataTablePage<Person>) => void;
    const fetchPage = vi.fn(() => new Promise<DataTablePage<Person>>((r) => (resolve = r)));
    table(fetchPage as unknown as ReturnType<typeof server>, { emptyMessage: 'No people yet.' });
    expect(screen.getAllByTestId('data-table-loading').length).toBeGreaterThan(0);
    resolve({ items: [], total: 0 });
    expect(await screen.findByText('No people yet.')).toBeTruthy();
    expect(range()).toBe('No rows');
  });

  it('puts row actions behind a bolt menu and header actions in the table menu', async () => {
    const onEdit = vi.fn();
    const onAdd = vi.fn();
    table(server(people(2)), {
      rowLabel: (p) => p.name,
      rowActions: (p) => [{ label: 'Edit', onClick: () => onEdit(p.id) }],
      headerActions: [{ label: 'Add person', onClick: onAdd }],
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Actions for Person 002' }));
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Edit' }));
    expect(onEdit).toHaveBeenCalledWith('p2');

    fireEvent.click(screen.getByRole('button', { name: 'Actions' }));
    expect(await screen.findByRole('menuitem', { name: 'Refresh' })).toBeTruthy();
    fireEvent.click(screen.getByRole('menuitem', { name: 'Add person' }));
    expect(onAdd).toHaveBeenCalledTimes(1);
  });
});

describe('toCsv', () => {
  it('writes a header row, skips non-exported columns and leaves empty values empty', () => {
    const cols: DataTableColumn<{ a: string | null; b: number }>[] = [
      { key: 'a', header: 'A' },
      { key: 'b', header: 'B', value: (r) => r.b * 2 },
      { key: 'c', header: 'Hidden', noExport: true },
    ];
    expect(toCsv(cols, [{ a: null, b: 1 }, { a: 'line\nbreak', b: -2 }])).toBe('A,B\r\n,2\r\n"line\nbreak",-4\r\n');
  });

  it('keeps search, sort, page and page size in the URL, and starts from them after a reload', async () => {
    const fetchPage = server(people(130));
    table(fetchPage, {}, '/people?q=Person&sort=-age&page=2&size=10');
    await waitFor(() => expect(fetchPage).toHaveBeenLastCalledWith(expect.objectContaining({ q: 'Person', sort: 'age', order: 'desc', page: 2, pageSize: 10 })));
    expect((screen.getByRole('textbox', { name: 'Search' }) as HTMLInputElement).value).toBe('Person');
    expect(screen.getByRole('columnheader', { name: /Age/ }).getAttribute('aria-sort')).toBe('descending');
    // A sortable column that is not the sort says "none"; the URL follows a new sort, back at page 1.
    expect(screen.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('none');
    fireEvent.click(within(screen.getByRole('columnheader', { name: /Name/ })).getByRole('button'));
    await waitFor(() => expect(lastSearch).toContain('sort=name'));
    expect(lastSearch).not.toContain('page=');
  });

  it('selects rows for bulk actions and hands the chosen rows to the action', async () => {
    const fetchPage = server(people(5));
    const onBulk = vi.fn();
    table(fetchPage, { rowLabel: (p) => p.name, bulkActions: (rows) => [{ label: 'Disable selected', onClick: () => onBulk(rows.map((r) => r.id)) }] });
    await screen.findByText('Person 001');
    expect(screen.queryByRole('region', { name: 'Bulk actions' })).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select Person 002' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select Person 004' }));
    expect(within(screen.getByRole('region', { name: 'Bulk actions' })).getByText('2 selected')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Disable selected' }));
    expect(onBulk).toHaveBeenCalledWith(['p2', 'p4']);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all rows on this page' }));
    expect(screen.getByText('5 selected')).toBeTruthy();
  });

  it('sorts names with numbers naturally: Server 2 before Server 10', () => {
    const rows = ['Server 10', 'server 2', 'Server 1'].map((name, i) => ({ id: String(i), name, age: 0 }));
    const page = pageLocally(rows, { page: 1, pageSize: 10, q: '', sort: 'name', order: 'asc' }, { sortBy: { name: (p) => p.name } });
    expect(page.items.map((p) => p.name)).toEqual(['Server 1', 'server 2', 'Server 10']);
  });
});
