import { Alert, Anchor, Button, Code, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconCheck, IconExternalLink } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { FormError } from '../../../components/FormError';
import { plexPassText } from '../media/format';
import type { PlexAccount } from '../media/queries';
import { runPlexPin, type PlexPin } from './plex-pin';

/**
 * Opens the sign-in window at once, inside the click that asked for it, so popup blockers let it
 * through; it is sent to plex.tv when the PIN exists. Null when the browser blocked it anyway.
 */
export function openSignInWindow(): Window | null {
  const popup = window.open('about:blank', 'usher-plex-sign-in', 'popup,width=620,height=760');
  if (popup) popup.opener = null;
  return popup;
}

type View = { step: 'starting' } | { step: 'waiting'; pin: PlexPin } | { step: 'added'; account: PlexAccount } | { step: 'expired' } | { step: 'failed'; error: unknown };

export function PlexSignInModal({ popup, onClose, onAdded }: { popup: Window | null; onClose: () => void; onAdded: () => Promise<unknown> }) {
  const [view, setView] = useState<View>({ step: 'starting' });
  const [attempt, setAttempt] = useState({ n: 0, popup });

  useEffect(() => {
    const controller = new AbortController();
    const target = attempt.popup;
    setView({ step: 'starting' });
    runPlexPin(
      {
        start: () => unwrap(api.POST('/api/admin/plex-accounts/pin', { body: {} })),
        complete: (id) => unwrap(api.POST('/api/admin/plex-accounts/pin/{id}/complete', { params: { path: { id } }, body: {} })),
        onStarted: (pin) => {
          if (target && !target.closed) target.location.href = pin.authUrl;
          setView({ step: 'waiting', pin });
        },
      },
      controller.signal,
    )
      .then(async (outcome) => {
        if (outcome.status === 'cancelled') return;
        if (target && !target.closed) target.close();
        if (outcome.status === 'expired') return setView({ step: 'expired' });
        setView({ step: 'added', account: outcome.account });
        await onAdded();
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setView({ step: 'failed', error });
      });
    return () => controller.abort();
    // onAdded is a fresh closure each render; a new attempt is what restarts the flow.
  }, [attempt]);

  const close = () => {
    if (attempt.popup && !attempt.popup.closed && view.step !== 'added') attempt.popup.close();
    onClose();
  };
  const retry = () => setAttempt((old) => ({ n: old.n + 1, popup: openSignInWindow() }));

  return (
    <Modal opened onClose={close} title="Sign in with Plex" centered size="lg">
      <Stack>
        {view.step === 'starting' && (
          <Group gap="sm">
            <Loader size="sm" />
            <Text size="sm">Asking plex.tv for a sign-in code…</Text>
          </Group>
        )}
        {view.step === 'waiting' && (
          <>
            <Text size="sm">
              Approve Usher in the Plex window that opened, signed in as the account that owns your servers. This dialog notices the approval
              by itself.
            </Text>
            <Group gap="sm">
              <Loader size="sm" />
              <Text size="sm">
                Waiting for approval of code <Code>{view.pin.code}</Code> (valid until {new Date(view.pin.expiresAt).toLocaleTimeString()})
              </Text>
            </Group>
            <Text size="sm" c="dimmed">
              No window?{' '}
              <Anchor href={view.pin.authUrl} target="_blank" rel="noreferrer">
                Open the Plex sign-in page <IconExternalLink size={12} />
              </Anchor>
            </Text>
          </>
        )}
        {view.step === 'added' && <AddedAccount account={view.account} />}
        {view.step === 'expired' && (
          <Alert color="yellow" title="The code expired">
            Plex did not confirm the sign-in in time. Try again and approve it in the Plex window.
          </Alert>
        )}
        {view.step === 'failed' && <FormError error={view.error} />}
        <Group justify="flex-end">
          {(view.step === 'expired' || view.step === 'failed') && (
            <Button variant="default" onClick={retry}>
              Try again
            </Button>
          )}
          {view.step === 'added' ? (
            <>
              <Button variant="default" component={Link} to={`/admin/servers?add=plex&account=${view.account.id}`} onClick={onClose}>
                Add one of its servers
              </Button>
              <Button onClick={onClose}>Done</Button>
            </>
          ) : (
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

function AddedAccount({ account }: { account: PlexAccount }) {
  const pass = plexPassText(account);
  return (
    <Alert color="green" icon={<IconCheck size={18} />} title="Plex account added">
      <Stack gap={4}>
        <Text size="sm" fw={600}>
          {account.username ?? account.email}
          {account.email && account.username ? ` (${account.email})` : ''}
        </Text>
        <Text size="sm">
          Plex Pass: {pass.value} ({pass.source}) · Servers in Usher: {account.servers}
        </Text>
        <Text size="sm" c="dimmed">
          Optional: set its password or a proxy with Edit settings in the account&apos;s row.
        </Text>
      </Stack>
    </Alert>
  );
}
