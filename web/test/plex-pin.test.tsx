import { describe, expect, it, vi } from 'vitest';
import type { PlexAccount } from '../src/features/admin/media/queries';
import { runPlexPin, type PinDeps, type PlexPin } from '../src/features/admin/plex-accounts/plex-pin';

const PIN: PlexPin = { id: 'pin-1', code: 'ABCD', authUrl: 'http://127.0.0.1:1/auth#?code=ABCD', expiresAt: '2030-01-01T00:15:00.000Z' };
const ACCOUNT = { id: 'acc-1', username: 'owner' } as PlexAccount;

/** A fake clock: each wait advances it, so expiry is reached without real time passing. */
function deps(answers: Awaited<ReturnType<PinDeps['complete']>>[], startAt = Date.parse('2030-01-01T00:00:00Z')) {
  let now = startAt;
  const waits: number[] = [];
  const d = {
    start: vi.fn(() => Promise.resolve(PIN)),
    complete: vi.fn(() => Promise.resolve(answers.shift() ?? { status: 'waiting' as const })),
    onStarted: vi.fn(),
    wait: vi.fn((ms: number) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    }),
    now: () => now,
  };
  return { d, waits };
}

describe('Sign in with Plex polling', () => {
  it('opens plex.tv once the PIN exists, polls every 2 s and returns the added account', async () => {
    const { d, waits } = deps([{ status: 'waiting' }, { status: 'waiting' }, { status: 'added', account: ACCOUNT }]);
    const outcome = await runPlexPin(d, new AbortController().signal);
    expect(outcome).toEqual({ status: 'added', account: ACCOUNT });
    expect(d.onStarted).toHaveBeenCalledWith(PIN);
    expect(d.complete).toHaveBeenCalledTimes(3);
    expect(d.complete).toHaveBeenCalledWith('pin-1');
    expect(waits).toEqual([2000, 2000, 2000]);
  });

  it('stops when Usher says the PIN expired', async () => {
    const { d } = deps([{ status: 'waiting' }, { status: 'expired' }]);
    expect(await runPlexPin(d, new AbortController().signal)).toEqual({ status: 'expired' });
    expect(d.complete).toHaveBeenCalledTimes(2);
  });

  it('gives up after the PIN’s expiry time even if plex.tv keeps saying waiting', async () => {
    const { d } = deps([], Date.parse('2030-01-01T00:14:57Z'));
    expect(await runPlexPin(d, new AbortController().signal)).toEqual({ status: 'expired' });
    // One check before the deadline, one just after it.
    expect(d.complete).toHaveBeenCalledTimes(2);
  });

  it('stops polling when the dialog is closed', async () => {
    const controller = new AbortController();
    const { d } = deps([]);
    d.complete.mockImplementation(() => {
      controller.abort();
      return Promise.resolve({ status: 'waiting' as const });
    });
    expect(await runPlexPin(d, controller.signal)).toEqual({ status: 'cancelled' });
    expect(d.complete).toHaveBeenCalledTimes(1);
  });

  it('does not open plex.tv when the dialog closed before the PIN came back', async () => {
    const controller = new AbortController();
    const { d } = deps([]);
    d.start.mockImplementation(() => {
      controller.abort();
      return Promise.resolve(PIN);
    });
    expect(await runPlexPin(d, controller.signal)).toEqual({ status: 'cancelled' });
    expect(d.onStarted).not.toHaveBeenCalled();
  });

  it('lets a failed call reach the dialog', async () => {
    const { d } = deps([]);
    d.complete.mockRejectedValue(new Error('plex.tv is down'));
    await expect(runPlexPin(d, new AbortController().signal)).rejects.toThrow('plex.tv is down');
  });
});
