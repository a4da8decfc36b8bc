import { describe, expect, it } from 'vitest';
import type { AccessGrant, AccountRef } from '../../src/ports/media-server.js';
import {
  idempotencyKey,
  normalizeGrant,
  reconcile,
  type ActualAccount,
  type DesiredAccess,
  type DesiredEntry,
  type Grant,
  type OperationPayload,
  type ServerKind,
} from '../../src/domain/reconcile.js';

const grant = (over: Partial<Grant> = {}): Grant => ({
  libraries: ['l1', 'l2'],
  allowDownloads: false,
  allowTranscoding: true,
  sessionCap: 2,
  ...over,
});
const access = (over: Partial<Grant> = {}): DesiredAccess => ({ kind: 'access', grant: grant(over) });
const desired = (kind: ServerKind, accessWanted: DesiredAccess, over: Partial<DesiredEntry> = {}): DesiredEntry => ({
  memberId: 'm1',
  serverId: 's1',
  serverKind: kind,
  identifier: 'bob@example.com',
  access: accessWanted,
  epoch: 'pay-1',
  ...over,
});
const account = (over: Partial<ActualAccount> = {}): ActualAccount => ({
  memberId: 'm1',
  serverId: 's1',
  remoteId: 'r1',
  role: 'member',
  state: 'active',
  libraries: ['l2', 'l1'],
  allowDownloads: false,
  ...over,
});

interface Case {
  name: string;
  kind: ServerKind;
  want: DesiredAccess;
  have: ActualAccount[];
  ops: OperationPayload[];
  skipped?: string;
}

const ref = { remoteId: 'r1' };
const plexRef = { remoteId: 'r1', shareId: 'sh1' };

const cases: Case[] = [
  // access
  {
    name: 'provisions a member with no account, with the grant in one spelling',
    kind: 'jellyfin',
    want: access({ libraries: ['l2', 'l1', 'l2'] }),
    have: [],
    ops: [{ kind: 'provision', identifier: 'bob@example.com', grant: grant() }],
  },
  {
    name: 'invites on Plex the same way',
    kind: 'plex',
    want: access(),
    have: [],
    ops: [{ kind: 'provision', identifier: 'bob@example.com', grant: grant() }],
  },
  { name: 'does nothing when the libraries match in another order', kind: 'jellyfin', want: access(), have: [account()], ops: [] },
  {
    name: 'grants when a library is missing',
    kind: 'jellyfin',
    want: access(),
    have: [account({ libraries: ['l1'] })],
    ops: [{ kind: 'grant', account: ref, grant: grant() }],
  },
  {
    name: 'grants when the account sees every library',
    kind: 'emby',
    want: access(),
    have: [account({ libraries: 'all' })],
    ops: [{ kind: 'grant', account: ref, grant: grant() }],
  },
  {
    name: 'grants when downloads differ',
    kind: 'plex',
    want: access({ allowDownloads: true }),
    have: [account({ shareId: 'sh1' })],
    ops: [{ kind: 'grant', account: plexRef, grant: grant({ allowDownloads: true }) }],
  },
  {
    name: 'grants when a reported transcoding flag differs (Jellyfin/Emby)',
    kind: 'jellyfin',
    want: access({ allowTranscoding: false }),
    have: [account({ allowTranscoding: true })],
    ops: [{ kind: 'grant', account: ref, grant: grant({ allowTranscoding: false }) }],
  },
  {
    name: 'grants when a reported session cap differs (Jellyfin/Emby)',
    kind: 'emby',
    want: access({ sessionCap: 3 }),
    have: [account({ sessionCap: 2 })],
    ops: [{ kind: 'grant', account: ref, grant: grant({ sessionCap: 3 }) }],
  },
  {
    name: 'does not compare what the adapter does not report',
    kind: 'jellyfin',
    want: access({ allowTranscoding: false, sessionCap: 9 }),
    have: [account()],
    ops: [],
  },
  {
    name: 'ignores transcoding and session cap on Plex (enforced by session stops)',
    kind: 'plex',
    want: access({ allowTranscoding: false, sessionCap: 1 }),
    have: [account({ allowTranscoding: true, sessionCap: 0 })],
    ops: [],
  },
  {
    name: 'leaves a disabled account that already matches alone (a grant does not enable it)',
    kind: 'jellyfin',
    want: access(),
    have: [account({ state: 'disabled' })],
    ops: [],
  },
  {
    name: 'grants a disabled account whose libraries differ',
    kind: 'jellyfin',
    want: access(),
    have: [account({ state: 'disabled', libraries: [] })],
    ops: [{ kind: 'grant', account: ref, grant: grant() }],
  },
  {
    name: 'leaves a matching pending Plex invite to be accepted',
    kind: 'plex',
    want: access(),
    have: [account({ state: 'pending', shareId: 'sh1' })],
    ops: [],
  },
  {
    name: 'updates a pending Plex invite whose libraries changed',
    kind: 'plex',
    want: access({ libraries: ['l3'] }),
    have: [account({ state: 'pending', shareId: 'sh1' })],
    ops: [{ kind: 'grant', account: plexRef, grant: grant({ libraries: ['l3'] }) }],
  },
  {
    name: 're-shares a Plex friend whose share was removed at expiry',
    kind: 'plex',
    want: access(),
    have: [account({ libraries: [] })],
    ops: [{ kind: 'grant', account: ref, grant: grant() }],
  },
  {
    name: 'revokes when the plan has no library on this server',
    kind: 'jellyfin',
    want: access({ libraries: [] }),
    have: [account()],
    ops: [{ kind: 'revoke', account: ref }],
  },
  {
    name: 'provisions nothing when the plan has no library on this server',
    kind: 'jellyfin',
    want: access({ libraries: [] }),
    have: [],
    ops: [],
    skipped: 'no_libraries',
  },
  // no access
  {
    name: 'removes the Plex share at expiry',
    kind: 'plex',
    want: { kind: 'no_access' },
    have: [account({ shareId: 'sh1' })],
    ops: [{ kind: 'revoke', account: plexRef }],
  },
  {
    name: 'withdraws a pending Plex invite at expiry',
    kind: 'plex',
    want: { kind: 'no_access' },
    have: [account({ state: 'pending', libraries: [] })],
    ops: [{ kind: 'revoke', account: ref }],
  },
  {
    name: 'leaves a Plex friend without a share alone',
    kind: 'plex',
    want: { kind: 'no_access' },
    have: [account({ libraries: [] })],
    ops: [],
  },
  {
    name: 'takes the libraries of a Jellyfin account at expiry (the account stays)',
    kind: 'jellyfin',
    want: { kind: 'no_access' },
    have: [account({ libraries: 'all' })],
    ops: [{ kind: 'revoke', account: ref }],
  },
  {
    name: 'does nothing for a Jellyfin account already without libraries',
    kind: 'jellyfin',
    want: { kind: 'no_access' },
    have: [account({ libraries: [] })],
    ops: [],
  },
  { name: 'does nothing when an expired member has no account', kind: 'emby', want: { kind: 'no_access' }, have: [], ops: [] },
  // delete
  {
    name: 'deletes an account',
    kind: 'emby',
    want: { kind: 'delete' },
    have: [account({ libraries: [] })],
    ops: [{ kind: 'delete', account: ref }],
  },
  { name: 'deletes nothing that is already gone', kind: 'plex', want: { kind: 'delete' }, have: [], ops: [] },
  {
    name: 'acts on each duplicate account of the pair',
    kind: 'jellyfin',
    want: { kind: 'delete' },
    have: [account(), account({ remoteId: 'r2' })],
    ops: [
      { kind: 'delete', account: ref },
      { kind: 'delete', account: { remoteId: 'r2' } },
    ],
  },
  // protected
  ...(['owner', 'admin', 'home', 'managed'] as const).flatMap((role): Case[] => [
    {
      name: `never touches a ${role} account (grant)`,
      kind: 'plex',
      want: access({ libraries: ['x'] }),
      have: [account({ role })],
      ops: [],
      skipped: 'protected_account',
    },
    {
      name: `never touches a ${role} account (delete)`,
      kind: 'jellyfin',
      want: { kind: 'delete' },
      have: [account({ role })],
      ops: [],
      skipped: 'protected_account',
    },
  ]),
  {
    name: 'never touches the template user',
    kind: 'emby',
    want: { kind: 'no_access' },
    have: [account({ isTemplate: true })],
    ops: [],
    skipped: 'protected_account',
  },
];

describe('reconcile', () => {
  it.each(cases)('$name', ({ kind, want, have, ops, skipped }) => {
    const result = reconcile([desired(kind, want)], have);
    expect(result.operations.map((o) => o.payload)).toEqual(ops);
    for (const op of result.operations) {
      expect(op).toMatchObject({ memberId: 'm1', serverId: 's1', kind: op.payload.kind });
      expect(op.idempotencyKey).toBe(idempotencyKey('m1', 's1', op.payload, 'pay-1'));
    }
    expect(result.skipped).toEqual(skipped ? [{ memberId: 'm1', serverId: 's1', reason: skipped }] : []);
  });

  it('leaves accounts that no desired entry names untouched (dropped targets, deleted servers)', () => {
    const result = reconcile(
      [desired('jellyfin', access())],
      [account(), account({ serverId: 's2', libraries: ['zz'] }), account({ memberId: 'm9' })],
    );
    expect(result.operations).toEqual([]);
  });

  it('orders operations by server, member and kind, so every instance computes the same list', () => {
    const entries = [
      desired('jellyfin', { kind: 'delete' }, { memberId: 'm2', serverId: 's2' }),
      desired('jellyfin', access(), { memberId: 'm2', serverId: 's1' }),
      desired('jellyfin', access(), { memberId: 'm1', serverId: 's2' }),
    ];
    const actual = [account({ memberId: 'm2', serverId: 's2' })];
    const forward = reconcile(entries, actual).operations;
    expect(forward.map((o) => [o.serverId, o.memberId, o.kind])).toEqual([
      ['s1', 'm2', 'provision'],
      ['s2', 'm1', 'provision'],
      ['s2', 'm2', 'delete'],
    ]);
    expect(reconcile([...entries].reverse(), actual).operations).toEqual(forward);
  });
});

describe('idempotencyKey', () => {
  const payload: OperationPayload = { kind: 'grant', account: { remoteId: 'r1' }, grant: grant() };

  it('is the same for the same change, however the grant is spelled', () => {
    const reordered: OperationPayload = {
      kind: 'grant',
      account: { remoteId: 'r1' },
      grant: normalizeGrant(grant({ libraries: ['l2', 'l1'] })),
    };
    expect(idempotencyKey('m1', 's1', reordered, 'e')).toBe(idempotencyKey('m1', 's1', payload, 'e'));
    expect(idempotencyKey('m1', 's1', payload, 'e')).toMatch(/^grant:[0-9a-f]{32}$/);
  });

  it('differs by member, server, payload and epoch (expire → renew → expire again is a new revoke)', () => {
    const base = idempotencyKey('m1', 's1', payload, 'e');
    const others = [
      idempotencyKey('m2', 's1', payload, 'e'),
      idempotencyKey('m1', 's2', payload, 'e'),
      idempotencyKey('m1', 's1', { ...payload, grant: grant({ allowDownloads: true }) }, 'e'),
      idempotencyKey('m1', 's1', { ...payload, account: { remoteId: 'r2' } }, 'e'),
      idempotencyKey('m1', 's1', payload, 'e2'),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
  });
});

describe('port compatibility', () => {
  it('grants and account references pass to the media-server port as they are', () => {
    const result = reconcile([desired('plex', access())], [account({ shareId: 'sh1', libraries: [] })]);
    const op = result.operations[0]!;
    if (op.payload.kind !== 'grant') throw new Error('expected a grant');
    // Compile-time check that the domain's structural types fit the port without conversion.
    const port: { ref: AccountRef; grant: AccessGrant } = { ref: op.payload.account, grant: op.payload.grant };
    expect(port).toEqual({ ref: { remoteId: 'r1', shareId: 'sh1' }, grant: grant() });
  });
});
