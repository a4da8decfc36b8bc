import { notifications } from '@mantine/notifications';
import { errorMessage } from '../api/client';

export function notifySuccess(message: string, title?: string): void {
  notifications.show({ color: 'green', message, ...(title ? { title } : {}) });
}

/** Shows the server's own message, so the operator reads why an action was refused. */
export function notifyError(error: unknown, title = 'That did not work'): void {
  notifications.show({ color: 'red', title, message: errorMessage(error), autoClose: 8000 });
}
