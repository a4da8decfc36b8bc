import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Group,
  Loader,
  Menu,
  Pagination,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconBolt,
  IconChevronDown,
  IconChevronUp,
  IconDownload,
  IconRefresh,
  IconSearch,
  IconSelector,
} from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useTableUrlState } from './url-state';
import { errorMessage } from '../../api/client';
import classes from './DataTable.module.css';
import { cellText, DEFAULT_EXPORT_CAP, downloadFile, fetchAllRows, toCsv } from './csv';
import type { DataTableAction, DataTableColumn, DataTablePage, DataTableQuery, SortOrder } from './types';

export const PAGE_SIZES = [10, 25, 50, 100];

export interface DataTableProps<T> {
  /** Base query key; filters belong in it so a change refetches and returns to page 1. */
  queryKey: readonly unknown[];
  fetchPage: (query: DataTableQuery) => Promise<DataTablePage<T>>;
  columns: DataTableColumn<T>[];
  /** Columns of the CSV export when they differ from the screen's. */
  exportColumns?: DataTableColumn<T>[];
  rowKey: (row: T) => string;
  /** Names the row in its action menu's accessible label ("Actions for alice@example.com"). */
  rowLabel?: (row: T) => string;
  rowActions?: (row: T) => DataTableAction[];
  headerActions?: DataTableAction[];
  /** Search box placeholder; omit to hide the search box. */
  searchPlaceholder?: string;
  /** Extra filters shown next to the search box. */
  toolbar?: ReactNode;
  initialSort?: { key: string; order: SortOrder };
  initialPageSize?: number;
  /** File name (without extension) for "Export CSV"; omit to hide the export. */
  exportName?: string;
  exportCap?: number;
  /** Poll while the shown page says so (e.g. a job is running). */
  refetchInterval?: (page: DataTablePage<T> | undefined) => number | false;
  emptyMessage?: string;
  debounceMs?: number;
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth?: number;
  /** Where the CSV goes; the browser download by default (tests capture it). */
  onDownload?: (fileName: string, csv: string) => void;
  /** Prefix of this table's URL parameters, when a page shows more than one table. */
  urlKey?: string;
  /** Actions on the selected rows; when given, rows get checkboxes. */
  bulkActions?: (rows: T[]) => DataTableAction[];
}

function SortIcon({ active, order }: { active: boolean; order: SortOrder }) {
  if (!active) return <IconSelector size={14} stroke={1.5} />;
  return order === 'asc' ? <IconChevronUp size={14} stroke={2} /> : <IconChevronDown size={14} stroke={2} />;
}

export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rowKey, rowActions, headerActions = [], queryKey, fetchPage } = props;
  const [url, setUrl] = useTableUrlState(props.urlKey ?? '', { sort: props.initialSort, pageSize: props.initialPageSize ?? 25 });
  const [search, setSearch] = useState(url.q);
  const [q] = useDebouncedValue(search.trim(), props.debounceMs ?? 300);
  const [exporting, setExporting] = useState(false);
  const [selected, setSelected] = useState<Map<string, T>>(new Map());
  const { sort, pageSize, page } = url;
  const setPage = (next: number) => setUrl({ page: next });
  const setPageSize = (next: number) => setUrl({ pageSize: next });

  // Typing is kept out of the history; the settled search is written once (page 1 again).
  useEffect(() => {
    if (q !== url.q) setUrl({ q }, { replace: true });
  }, [q]);
  // Back/forward to another search shows it in the box too.
  useEffect(() => {
    if (url.q !== q) setSearch(url.q);
  }, [url.q]);
  const query: DataTableQuery = { page, pageSize, q, order: sort?.order ?? 'asc', ...(sort ? { sort: sort.key } : {}) };
  const result = useQuery({
    queryKey: [...queryKey, query],
    queryFn: () => fetchPage(query),
    placeholderData: keepPreviousData,
    refetchInterval: props.refetchInterval ? (state) => props.refetchInterval!(state.state.data) : false,
  });
  const data = result.data;
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));

  // After deletions the current page may no longer exist; show the last one that does.
  useEffect(() => {
    if (data && page > pages) setUrl({ page: pages }, { replace: true });
  }, [data, page, pages]);

  function toggleSort(key: string) {
    setUrl({ sort: sort?.key === key ? { key, order: sort.order === 'asc' ? 'desc' : 'asc' } : { key, order: 'asc' } });
  }

  const visibleRows = data?.items ?? [];
  const allSelected = visibleRows.length > 0 && visibleRows.every((row) => selected.has(rowKey(row)));
  const toggleRow = (row: T) =>
    setSelected((old) => {
      const next = new Map(old);
      if (next.has(rowKey(row))) next.delete(rowKey(row));
      else next.set(rowKey(row), row);
      return next;
    });
  const toggleAll = () =>
    setSelected((old) => {
      const next = new Map(old);
      for (const row of visibleRows) {
        if (allSelected) next.delete(rowKey(row));
        else next.set(rowKey(row), row);
      }
      return next;
    });
  const bulk = props.bulkActions && selected.size > 0 ? props.bulkActions([...selected.values()]) : [];

  async function exportCsv() {
    if (!props.exportName) return;
    setExporting(true);
    try {
      const cap = props.exportCap ?? DEFAULT_EXPORT_CAP;
      const { rows, total: all, truncated } = await fetchAllRows(fetchPage, { q, order: query.order, ...(sort ? { sort: sort.key } : {}) }, cap);
      const fileName = `${props.exportName}-${new Date().toISOString().slice(0, 10)}.csv`;
      (props.onDownload ?? downloadFile)(fileName, toCsv(props.exportColumns ?? columns, rows));
      if (truncated) {
        notifications.show({ color: 'yellow', title: 'Export shortened', message: `Exported the first ${rows.length} of ${all} rows.` });
      }
    } catch (error) {
      notifications.show({ color: 'red', title: 'Export failed', message: errorMessage(error) });
    } finally {
      setExporting(false);
    }
  }

  const colSpan = columns.length + (rowActions ? 1 : 0) + (props.bulkActions ? 1 : 0);
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);

  let body: ReactNode;
  if (result.isPending) {
    body = Array.from({ length: 3 }, (_, i) => (
      <Table.Tr key={`skeleton-${i}`} data-testid="data-table-loading">
        <Table.Td colSpan={colSpan}>
          <Skeleton height={18} />
        </Table.Td>
      </Table.Tr>
    ));
  } else if (result.isError && !data) {
    body = (
      <Table.Tr>
        <Table.Td colSpan={colSpan}>
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Could not load this table">
            <Group justify="space-between">
              <Text size="sm">{errorMessage(result.error)}</Text>
              <Button size="xs" variant="light" color="red" onClick={() => void result.refetch()}>
                Try again
              </Button>
            </Group>
          </Alert>
        </Table.Td>
      </Table.Tr>
    );
  } else if (!data || data.items.length === 0) {
    body = (
      <Table.Tr>
        <Table.Td colSpan={colSpan}>
          <Text c="dimmed" ta="center" py="lg">
            {q ? `Nothing matches “${q}”.` : (props.emptyMessage ?? 'Nothing here yet.')}
          </Text>
        </Table.Td>
      </Table.Tr>
    );
  } else {
    body = data.items.map((row) => (
      <Table.Tr key={rowKey(row)} bg={selected.has(rowKey(row)) ? 'var(--mantine-primary-color-light)' : undefined}>
        {props.bulkActions && (
          <Table.Td w={40}>
            <Checkbox aria-label={`Select ${props.rowLabel ? props.rowLabel(row) : rowKey(row)}`} checked={selected.has(rowKey(row))} onChange={() => toggleRow(row)} />
          </Table.Td>
        )}
        {columns.map((column) => (
          <Table.Td key={column.key} visibleFrom={column.visibleFrom}>
            {column.render ? column.render(row) : cellText(column, row)}
          </Table.Td>
        ))}
        {rowActions && (
          <Table.Td w={48} className={classes.actions}>
            <RowMenu actions={rowActions(row)} label={`Actions for ${props.rowLabel ? props.rowLabel(row) : rowKey(row)}`} />
          </Table.Td>
        )}
      </Table.Tr>
    ));
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" gap="sm">
        <Group gap="sm" align="flex-end" style={{ flex: 1 }}>
          {props.searchPlaceholder !== undefined && (
            <TextInput
              aria-label="Search"
              placeholder={props.searchPlaceholder}
              leftSection={<IconSearch size={16} />}
              value={search}
              onChange={(event) => setSearch(event.currentTarget.value)}
              w={{ base: '100%', xs: 280 }}
            />
          )}
          {props.toolbar}
        </Group>
        {bulk.length > 0 && (
          <Group gap="xs" role="region" aria-label="Bulk actions">
            <Text size="sm">{selected.size} selected</Text>
            {bulk.map((action) => (
              <Button key={action.label} size="xs" variant="light" color={action.color} leftSection={action.icon} disabled={action.disabled} onClick={action.onClick}>
                {action.label}
              </Button>
            ))}
            <Button size="xs" variant="subtle" color="gray" onClick={() => setSelected(new Map())}>
              Clear selection
            </Button>
          </Group>
        )}
        <Group gap="xs">
          {result.isFetching && !result.isPending && <Loader size="xs" aria-label="Refreshing" />}
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="default" rightSection={<IconChevronDown size={14} />} loading={exporting}>
                Actions
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {headerActions.map((action) => (
                <Menu.Item key={action.label} leftSection={action.icon} color={action.color} disabled={action.disabled} onClick={action.onClick}>
                  {action.label}
                </Menu.Item>
              ))}
              {headerActions.length > 0 && <Menu.Divider />}
              <Menu.Item leftSection={<IconRefresh size={16} />} onClick={() => void result.refetch()}>
                Refresh
              </Menu.Item>
              {props.exportName && (
                <Menu.Item leftSection={<IconDownload size={16} />} onClick={() => void exportCsv()}>
                  Export CSV
                </Menu.Item>
              )}
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>

      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={props.minWidth ?? 0} type="native">
          <Table striped highlightOnHover verticalSpacing="sm" className={classes.table} aria-busy={result.isFetching}>
            <Table.Thead>
              <Table.Tr>
                {props.bulkActions && (
                  <Table.Th w={40}>
                    <Checkbox aria-label="Select all rows on this page" checked={allSelected} indeterminate={!allSelected && visibleRows.some((r) => selected.has(rowKey(r)))} onChange={toggleAll} />
                  </Table.Th>
                )}
                {columns.map((column) => {
                  const active = sort?.key === column.key;
                  return (
                    <Table.Th
                      key={column.key}
                      w={column.width}
                      visibleFrom={column.visibleFrom}
                      aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : column.sortable ? 'none' : undefined}
                    >
                      {column.sortable ? (
                        <UnstyledButton onClick={() => toggleSort(column.key)} fw={600} fz="sm">
                          <Group gap={4} wrap="nowrap">
                            {column.header}
                            <SortIcon active={active} order={sort?.order ?? 'asc'} />
                          </Group>
                        </UnstyledButton>
                      ) : (
                        column.header
                      )}
                    </Table.Th>
                  );
                })}
                {rowActions && <Table.Th w={48} className={classes.actions} aria-label="Row actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>{body}</Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      {result.isError && data && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />}>
          Showing older data: {errorMessage(result.error)}
        </Alert>
      )}

      <Group justify="space-between" gap="sm">
        <Text size="sm" c="dimmed" data-testid="data-table-range">
          {total === 0 ? 'No rows' : `${first}–${last} of ${total}`}
        </Text>
        <Group gap="sm">
          <Select
            aria-label="Rows per page"
            data={PAGE_SIZES.map(String)}
            value={String(pageSize)}
            onChange={(value) => value && setPageSize(Number(value))}
            allowDeselect={false}
            w={80}
            size="xs"
          />
          {pages > 1 && <Pagination total={pages} value={page} onChange={setPage} size="sm" siblings={1} />}
        </Group>
      </Group>
    </Stack>
  );
}

function RowMenu({ actions, label }: { actions: DataTableAction[]; label: string }) {
  if (actions.length === 0) return null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" aria-label={label}>
          <IconBolt size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {actions.map((action) => (
          <Menu.Item key={action.label} leftSection={action.icon} color={action.color} disabled={action.disabled} onClick={action.onClick}>
            {action.label}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
