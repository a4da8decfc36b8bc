import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../../api/client';

export interface PasswordPromptProps {
  opened: boolean;
  title: string;
  description: string;
  confirmLabel: string;
  color?: string;
  onSubmit: (password: string) => Promise<unknown>;
  onClose: () => void;
}

/** Security changes ask for the current password again, so an unattended session cannot make them. */
export function PasswordPrompt(props: PasswordPromptProps) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function close() {
    setPassword('');
    setError(null);
    props.onClose();
  }

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(password);
      setPassword('');
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={props.opened} onClose={close} title={props.title} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <Text size="sm">{props.description}</Text>
          <PasswordInput
            label="Your current password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={error}
            required
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" color={props.color} loading={busy} disabled={!password}>
              {props.confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
