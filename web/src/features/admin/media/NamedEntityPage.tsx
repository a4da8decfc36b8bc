import { useQueryClient } from '@tanstack/react-query';
import { IconEdit, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { can, useSession } from '../../../app/session';
import { useConfirm } from '../../../components/ConfirmDialog';
import { DataTable, deleteAction, pageLocally, type DataTableAction, type DataTableColumn } from '../../../components/data-table';
import { PageHeader } from '../../../components/PageHeader';
import { NameModal } from './NameModal';
import { refreshMedia } from './queries';

/**
 * A list of things that are only a name (server locations, library groups): add, rename, delete,
 * search, sort and export. Each page says what its rows are and how to talk to the API.
 */
export function NamedEntityPage<T extends { id: string; name: string }>(props: {
  title: string;
  description: string;
  /** "location", "library group": used in buttons, dialogs and messages. */
  noun: string;
  queryKey: readonly unknown[];
  list: () => Promise<T[]>;
  add: (name: string) => Promise<unknown>;
  rename: (id: string, name: string) => Promise<unknown>;
  remove: (id: string) => Promise<unknown>;
  columns: DataTableColumn<T>[];
  sortBy: Record<string, (row: T) => string | number | boolean | null | undefined>;
  maxLength: number;
  addHint: string;
  /** What deleting this row does, spelled out. */
  deleteMessage: (row: T) => string;
  /** Rows that cannot be changed (built-in groups) get no menu. */
  locked?: (row: T) => boolean;
  exportName: string;
  emptyMessage: string;
  initialSort?: { key: string; order: 'asc' | 'desc' };
}) {
  const queryClient = useQueryClient();
  const writable = can(useSession().data?.login, 'servers.write');
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'rename'; row: T } | null>(null);
  const [confirmDialog, confirm] = useConfirm();
  const refresh = () => refreshMedia(queryClient);

  const rowActions = (row: T): DataTableAction[] =>
    props.locked?.(row)
      ? []
      : [
          { label: 'Rename', icon: <IconEdit size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'rename', row }) },
          deleteAction({
            confirm,
            disabled: !writable,
            title: `Delete ${props.noun}`,
            message: props.deleteMessage(row),
            action: () => props.remove(row.id).then(refresh),
            success: `${row.name} is deleted.`,
          }),
        ];

  return (
    <>
      <PageHeader title={props.title} description={props.description} />
      <DataTable
        queryKey={[...props.queryKey, 'table']}
        fetchPage={async (query) => pageLocally(await props.list(), query, { search: (row) => row.name, sortBy: props.sortBy })}
        columns={props.columns}
        rowKey={(row) => row.id}
        rowLabel={(row) => row.name}
        rowActions={rowActions}
        headerActions={[{ label: `Add ${props.noun}`, icon: <IconPlus size={16} />, disabled: !writable, onClick: () => setDialog({ kind: 'add' }) }]}
        searchPlaceholder={`Search ${props.noun}s`}
        exportName={props.exportName}
        emptyMessage={props.emptyMessage}
        {...(props.initialSort ? { initialSort: props.initialSort } : {})}
      />
      {dialog?.kind === 'add' && (
        <NameModal
          title={`Add ${props.noun}`}
          label="Name"
          maxLength={props.maxLength}
          hint={props.addHint}
          submitLabel={`Add ${props.noun}`}
          onSubmit={async (name) => {
            await props.add(name);
            await refresh();
          }}
          success={(name) => `${name} added.`}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'rename' && (
        <NameModal
          title={`Rename ${dialog.row.name}`}
          label="Name"
          initial={dialog.row.name}
          maxLength={props.maxLength}
          submitLabel="Rename"
          onSubmit={async (name) => {
            await props.rename(dialog.row.id, name);
            await refresh();
          }}
          success={(name) => `Renamed to ${name}.`}
          onClose={() => setDialog(null)}
        />
      )}
      {confirmDialog}
    </>
  );
}
