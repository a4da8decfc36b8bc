import { IconStar, IconStarOff, IconTrash } from '@tabler/icons-react';
import { api, unwrap } from '../../../api/client';
import type { ConfirmRequest } from '../../../components/ConfirmDialog';
import type { DataTableAction } from '../../../components/data-table';

export interface MemberLike {
  id: string;
  email: string | null;
  username: string | null;
  permanent: boolean;
}

export const memberName = (m: Pick<MemberLike, 'email' | 'username'>) => m.email ?? m.username ?? 'this member';

/** Make permanent / not permanent and Delete, shared by the list's row menu and the detail page. */
export function memberActions(
  m: MemberLike,
  opts: { writable: boolean; confirm: (r: ConfirmRequest) => void; after: (kind: 'permanent' | 'delete') => Promise<unknown>; onDelete?: (m: MemberLike) => void },
): DataTableAction[] {
  const name = memberName(m);
  const setPermanent = (permanent: boolean) =>
    opts.confirm({
      title: permanent ? 'Make permanent' : 'Make not permanent',
      message: permanent
        ? `${name} will never expire and is exempt from every limit (streams, downloads, transcoding), reminders and Discord role sync.`
        : `${name} becomes a standard member: they lose access when their payments run out and their plan's limits apply.`,
      confirmLabel: permanent ? 'Make permanent' : 'Make not permanent',
      color: 'violet',
      action: async () => {
        await unwrap(api.PUT('/api/admin/members/{id}/permanent', { params: { path: { id: m.id } }, body: { permanent } }));
        await opts.after('permanent');
      },
      success: permanent ? `${name} is permanent.` : `${name} is no longer permanent.`,
    });
  return [
    m.permanent
      ? { label: 'Make not permanent', icon: <IconStarOff size={16} />, disabled: !opts.writable, onClick: () => setPermanent(false) }
      : { label: 'Make permanent', icon: <IconStar size={16} />, disabled: !opts.writable, onClick: () => setPermanent(true) },
    {
      label: 'Delete',
      icon: <IconTrash size={16} />,
      color: 'red',
      disabled: !opts.writable,
      onClick: () =>
        opts.onDelete
          ? opts.onDelete(m)
          : opts.confirm({
          title: 'Delete member',
          message: `Delete ${name}? Usher stops tracking them; sync will not import them again. Their accounts on the servers are left as they are.`,
          confirmLabel: 'Delete',
          action: async () => {
            await unwrap(api.DELETE('/api/admin/members/{id}', { params: { path: { id: m.id } } }));
            await opts.after('delete');
          },
          success: `${name} is deleted.`,
        }),
    },
  ];
}
