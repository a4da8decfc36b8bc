import { describe, expect, it } from 'vitest';
import {
  inviteInstructions,
  operationSentence,
  reinviteRefusal,
  REINVITE_INTERVAL_MS,
  statusSentence,
  type ReinviteInput,
} from '../../src/domain/reinvite.js';

const now = new Date('2026-03-10T12:00:00Z');
const ok: ReinviteInput = {
  enabled: true,
  active: true,
  requiresPlexAccountChange: false,
  syncSharedLibraries: true,
  hasServer: true,
  lastRequestedAt: null,
  now,
};

describe('reinviteRefusal', () => {
  const cases: [string, Partial<ReinviteInput>, string | null, number | null][] = [
    ['everything in order', {}, null, null],
    ['the setting is off', { enabled: false }, 'reinvite_disabled', 403],
    ['not active', { active: false }, 'member_not_active', 409],
    ['tagged for a Plex account change', { requiresPlexAccountChange: true }, 'plex_account_change_required', 409],
    ['remote writes off', { syncSharedLibraries: false }, 'server_sync_off', 409],
    ['on no server at all', { hasServer: false }, 'nothing_to_reinvite', 409],
    ['asked 1 minute ago', { lastRequestedAt: new Date(now.getTime() - 60_000) }, 'reinvite_rate_limited', 429],
    ['asked 14:59 ago', { lastRequestedAt: new Date(now.getTime() - REINVITE_INTERVAL_MS + 1000) }, 'reinvite_rate_limited', 429],
    ['asked exactly 15 minutes ago', { lastRequestedAt: new Date(now.getTime() - REINVITE_INTERVAL_MS) }, null, null],
    ['asked yesterday', { lastRequestedAt: new Date(now.getTime() - 86_400_000) }, null, null],
    // The order: the reason that matters most wins.
    ['off and not active', { enabled: false, active: false }, 'reinvite_disabled', 403],
    ['not active and tagged', { active: false, requiresPlexAccountChange: true }, 'member_not_active', 409],
    ['tagged and writes off', { requiresPlexAccountChange: true, syncSharedLibraries: false }, 'plex_account_change_required', 409],
    ['writes off and no server', { syncSharedLibraries: false, hasServer: false }, 'server_sync_off', 409],
    ['no server and rate limited', { hasServer: false, lastRequestedAt: now }, 'nothing_to_reinvite', 409],
  ];
  it.each(cases)('%s', (_name, change, code, status) => {
    const refusal = reinviteRefusal({ ...ok, ...change });
    expect(refusal?.code ?? null).toBe(code);
    expect(refusal?.status ?? null).toBe(status);
    if (refusal) expect(refusal.message.length).toBeGreaterThan(10);
  });

  it('says when the member may ask again', () => {
    const refusal = reinviteRefusal({ ...ok, lastRequestedAt: new Date(now.getTime() - 5 * 60_000) });
    expect(refusal?.retryAt?.toISOString()).toBe('2026-03-10T12:10:00.000Z');
    expect(refusal?.message).toContain('10 minutes');
  });
});

describe('statusSentence', () => {
  const base = { until: null, expiredAt: null, startsAt: null };
  it.each([
    [{ ...base, state: 'permanent', reason: 'permanent' }, 'Your access is permanent: it never expires.'],
    [{ ...base, state: 'active', reason: 'payment', until: '2026-04-01T10:00:00Z' }, 'Your subscription is active until 1 April 2026.'],
    [{ ...base, state: 'expired', reason: 'expired', expiredAt: '2026-02-28T23:30:00Z' }, 'Your subscription expired on 1 March 2026.'],
    [{ ...base, state: 'expired', reason: 'no_payments' }, 'You have no subscription yet.'],
    [
      { ...base, state: 'expired', reason: 'starts_in_future', startsAt: '2026-05-02T00:00:00Z' },
      'Your next paid period starts on 2 May 2026.',
    ],
    [
      { ...base, state: 'active', reason: 'renewal_grace', until: '2026-03-12T00:00:00Z' },
      'Your paid period has ended; your renewal is expected, so you keep access until 12 March 2026.',
    ],
  ] as const)('%o', (status, sentence) => {
    // Dates are days in the site's time zone: 23:30 UTC is already the next day in Paris.
    expect(statusSentence(status, 'Europe/Paris')).toBe(sentence);
  });
});

describe('inviteInstructions', () => {
  it('Plex: a pending invite points to the email and app.plex.tv', () => {
    const text = inviteInstructions({
      kind: 'plex',
      serverName: 'Alpha',
      state: 'pending',
      username: null,
      email: 'a@example.com',
      address: null,
    });
    expect(text).toContain('a@example.com');
    expect(text).toContain('https://app.plex.tv');
  });
  it('Jellyfin/Emby: the username and the address when known', () => {
    expect(
      inviteInstructions({
        kind: 'jellyfin',
        serverName: 'Den',
        state: 'active',
        username: 'bob',
        email: null,
        address: 'https://jf.example.com',
      }),
    ).toBe(
      'Sign in to Jellyfin at https://jf.example.com with the username bob. If you do not know your password, ask the administrator to reset it.',
    );
    expect(inviteInstructions({ kind: 'emby', serverName: 'Den', state: 'active', username: 'bob', email: null, address: null })).toContain(
      'Sign in to Emby with the username bob.',
    );
    expect(
      inviteInstructions({ kind: 'emby', serverName: 'Den', state: 'disabled', username: 'bob', email: null, address: null }),
    ).toContain('disabled');
  });
});

describe('operationSentence', () => {
  it('names the change, the server and whether it is stuck', () => {
    expect(operationSentence({ kind: 'provision', status: 'pending', serverKind: 'plex', serverName: 'Alpha', attempts: 0 })).toBe(
      'Sending your invite to Alpha: this usually takes less than a minute.',
    );
    expect(operationSentence({ kind: 'grant', status: 'pending', serverKind: 'jellyfin', serverName: 'Den', attempts: 2 })).toContain(
      'did not answer',
    );
    expect(operationSentence({ kind: 'provision', status: 'failed', serverKind: 'emby', serverName: 'Den', attempts: 5 })).toBe(
      'Creating your account on Den failed. The administrator has been told.',
    );
  });
});
