import { Button, Group, Modal, Text } from '@mantine/core';
import { useCallback, useState, type ReactNode } from 'react';
import { notifyError, notifySuccess } from './notify';

export interface ConfirmRequest {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  color?: string;
  action: () => Promise<unknown>;
  /** Shown as a notification when the action succeeds. */
  success?: string;
}

/** One confirmation modal per page; `confirm(...)` opens it for a particular action. */
export function useConfirm(): [ReactNode, (request: ConfirmRequest) => void] {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const [busy, setBusy] = useState(false);

  async function run() {
    if (!request) return;
    setBusy(true);
    try {
      await request.action();
      if (request.success) notifySuccess(request.success);
      setRequest(null);
    } catch (error) {
      notifyError(error);
    } finally {
      setBusy(false);
    }
  }

  const dialog = (
    <Modal opened={request !== null} onClose={() => !busy && setRequest(null)} title={request?.title} centered>
      {typeof request?.message === 'string' ? <Text size="sm">{request.message}</Text> : request?.message}
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={() => setRequest(null)} disabled={busy}>
          Cancel
        </Button>
        <Button color={request?.color ?? 'red'} loading={busy} onClick={() => void run()}>
          {request?.confirmLabel}
        </Button>
      </Group>
    </Modal>
  );
  return [dialog, useCallback((next: ConfirmRequest) => setRequest(next), [])];
}
