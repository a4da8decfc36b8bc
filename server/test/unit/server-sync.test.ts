import { describe, expect, it } from 'vitest';
import type { RemoteAccount } from '../../src/ports/media-server.js';
import { diffAccounts, diffLibraries, isManageable, MemberMatcher, sameLibraries, type StoredAccount } from '../../src/domain/server-sync.js';

const remoteAccount = (over: Partial<RemoteAccount> = {}): RemoteAccount => ({
  remoteId: 'r1',
  username: 'bob',
  email: 'bob@example.com',
  displayName: 'Bob',
  role: 'member',
  state: 'active',
  libraries: ['1', '2'],
  allowDownloads: false,
  ...over,
});

const stored = (over: Partial<StoredAccount> = {}): StoredAccount => ({
  id: 'a1',
  remoteId: 'r1',
  memberId: 'm1',
  username: 'bob',
  email: 'bob@example.com',
  displayName: 'Bob',
  state: 'active',
  libraries: ['2', '1'],
  allowDownloads: false,
  allowTranscoding: null,
  sessionCap: null,
  shareId: null,
  invitedAt: null,
  acceptedAt: null,
  ...over,
});

describe('diffLibraries', () => {
  const storedLib = { id: 'l1', remoteId: '10', key: '1', title: 'Movies', type: 'movie', removedAt: null };

  it('finds nothing to do when the server matches', () => {
    expect(diffLibraries([storedLib], [{ remoteId: '10', key: '1', title: 'Movies', type: 'movie' }])).toEqual({ added: [], updated: [], removed: [] });
  });

  it('finds added, renamed, removed and returning libraries', () => {
    const gone = { ...storedLib, id: 'l2', remoteId: '11', title: 'Old' };
    const back = { ...storedLib, id: 'l3', remoteId: '12', removedAt: '2026-01-01T00:00:00.000Z' };
    const changes = diffLibraries(
      [storedLib, gone, back],
      [
        { remoteId: '10', key: '1', title: 'Films', type: 'movie' },
        { remoteId: '12', key: '1', title: 'Movies', type: 'movie' },
        { remoteId: '13', key: '3', title: '4K', type: 'movie' },
      ],
    );
    expect(changes.added.map((l) => l.remoteId)).toEqual(['13']);
    expect(changes.updated.map((u) => u.id)).toEqual(['l1', 'l3']);
    expect(changes.removed.map((l) => l.id)).toEqual(['l2']);
  });
});

describe('diffAccounts', () => {
  it('ignores library order and reports no change for an identical account', () => {
    expect(diffAccounts([stored()], [remoteAccount()])).toEqual({ added: [], updated: [], gone: [] });
  });

  it('reports new, changed and vanished accounts', () => {
    const changes = diffAccounts(
      [stored(), stored({ id: 'a2', remoteId: 'r2' })],
      [remoteAccount({ allowDownloads: true }), remoteAccount({ remoteId: 'r3', username: 'carol' })],
    );
    expect(changes.added.map((a) => a.remoteId)).toEqual(['r3']);
    expect(changes.updated.map((u) => u.id)).toEqual(['a1']);
    expect(changes.gone.map((g) => g.id)).toEqual(['a2']);
  });

  it('a changed stream cap or video transcoding flag alone updates the row (so the reconciler sees it)', () => {
    const known = stored({ allowTranscoding: true, sessionCap: 2 });
    expect(diffAccounts([known], [remoteAccount({ allowTranscoding: true, sessionCap: 2 })]).updated).toEqual([]);
    expect(diffAccounts([known], [remoteAccount({ allowTranscoding: true, sessionCap: 3 })]).updated.map((u) => u.id)).toEqual(['a1']);
    expect(diffAccounts([known], [remoteAccount({ allowTranscoding: false, sessionCap: 2 })]).updated.map((u) => u.id)).toEqual(['a1']);
  });
});

describe('account rules', () => {
  it('never manages owners, admins, Home or managed users, nor the template user', () => {
    for (const role of ['owner', 'admin', 'home', 'managed'] as const) expect(isManageable(remoteAccount({ role }), '')).toBe(false);
    expect(isManageable(remoteAccount({ isTemplate: true }), '')).toBe(false);
    expect(isManageable(remoteAccount({ username: 'Template' }), 'template')).toBe(false);
    expect(isManageable(remoteAccount(), 'template')).toBe(true);
  });

  it('matches members by email first, then username, case-insensitively', () => {
    const matcher = new MemberMatcher([
      { id: 'm1', email: 'bob@example.com', username: 'bobby' },
      { id: 'm2', email: null, username: 'Carol' },
    ]);
    expect(matcher.find({ email: 'Bob@Example.com', username: 'other' })).toBe('m1');
    expect(matcher.find({ email: 'new@example.com', username: 'BOBBY' })).toBe('m1');
    expect(matcher.find({ email: null, username: 'carol' })).toBe('m2');
    expect(matcher.find({ email: null, username: null })).toBeNull();
    matcher.add({ id: 'm3', email: 'dan@example.com', username: null });
    expect(matcher.find({ email: 'DAN@example.com', username: null })).toBe('m3');
    expect(sameLibraries('all', ['1'])).toBe(false);
    expect(sameLibraries(['1', '2'], ['2', '1'])).toBe(true);
  });
});
