import { IconTrash } from '@tabler/icons-react';
import type { ConfirmRequest } from '../ConfirmDialog';
import type { DataTableAction } from './types';

/**
 * The "Delete" row action every list has: red, behind a confirmation that spells out what
 * deleting does, with the page's own message and success toast.
 */
export function deleteAction(opts: {
  confirm: (request: ConfirmRequest) => void;
  title: string;
  message: string;
  action: () => Promise<unknown>;
  success: string;
  disabled?: boolean;
  label?: string;
}): DataTableAction {
  return {
    label: opts.label ?? 'Delete',
    icon: <IconTrash size={16} />,
    color: 'red',
    disabled: opts.disabled ?? false,
    onClick: () =>
      opts.confirm({
        title: opts.title,
        message: opts.message,
        confirmLabel: opts.label ?? 'Delete',
        action: async () => {
          await opts.action();
        },
        success: opts.success,
      }),
  };
}
