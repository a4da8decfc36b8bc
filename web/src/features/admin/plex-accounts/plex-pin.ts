import type { PlexAccount } from '../media/queries';

export interface PlexPin {
  id: string;
  code: string;
  authUrl: string;
  expiresAt: string;
}

export type PinOutcome = { status: 'added'; account: PlexAccount } | { status: 'expired' } | { status: 'cancelled' };

export interface PinDeps {
  start: () => Promise<PlexPin>;
  complete: (pinId: string) => Promise<{ status: 'waiting' | 'expired' | 'added'; account?: PlexAccount | undefined }>;
  /** Called once the PIN exists, to send the sign-in window to plex.tv. */
  onStarted: (pin: PlexPin) => void;
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

export const PIN_POLL_MS = 2000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * "Sign in with Plex": creates a PIN, lets the admin approve it on plex.tv, and asks Usher every
 * `intervalMs` whether plex.tv has handed over the token (Usher then adds the account). Stops at
 * approval, at expiry (one last check after the deadline, as plex.tv's clock decides), or on abort.
 */
export async function runPlexPin(deps: PinDeps, signal: AbortSignal, intervalMs = PIN_POLL_MS): Promise<PinOutcome> {
  const wait = deps.wait ?? sleep;
  const now = deps.now ?? Date.now;
  const pin = await deps.start();
  if (signal.aborted) return { status: 'cancelled' };
  deps.onStarted(pin);
  const deadline = new Date(pin.expiresAt).getTime();
  for (;;) {
    await wait(intervalMs, signal);
    if (signal.aborted) return { status: 'cancelled' };
    const state = await deps.complete(pin.id);
    if (signal.aborted) return { status: 'cancelled' };
    if (state.status === 'added' && state.account) return { status: 'added', account: state.account };
    if (state.status === 'expired' || now() > deadline) return { status: 'expired' };
  }
}
