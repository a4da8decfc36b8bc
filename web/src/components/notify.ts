import { notifications } from '@mantine/notifications';
import { errorMessage } from '../api/client';

export function notifySuccess(message: string, title?: string): void {
  notifications.show({ color: 'green', message, ...(title ? { title } : {}) });
}

export function notifyWarning(message: string, title = 'Saved, with a warning'): void {
  notifications.show({ color: 'orange', title, message, autoClose: 10000 });
}

/** Shows the server's own message, so the operator reads why an action was refused. */
export function notifyError(error: unknown, title = 'That did not work'): void {
  notifications.show({ color: 'red', title, message: errorMessage(error), autoClose: 8000 });
}
