/**
 * Pure decisions of a server sync: what changed between what Usher stored and what the server
 * reports. No I/O; the sync service applies the result. A pass where nothing changed yields empty
 * change sets, so it writes nothing.
 */
import type { RemoteAccount, RemoteLibrary } from '../ports/media-server.js';

export interface StoredLibrary {
  id: string;
  remoteId: string;
  key: string;
  title: string;
  type: string;
  removedAt: string | null;
}

export interface LibraryChanges {
  added: RemoteLibrary[];
  /** Title, key or type changed, or a removed library came back. */
  updated: { id: string; remote: RemoteLibrary }[];
  removed: StoredLibrary[];
}

export function diffLibraries(stored: StoredLibrary[], remote: RemoteLibrary[]): LibraryChanges {
  const byRemoteId = new Map(stored.map((l) => [l.remoteId, l]));
  const seen = new Set<string>();
  const changes: LibraryChanges = { added: [], updated: [], removed: [] };
  for (const lib of remote) {
    seen.add(lib.remoteId);
    const existing = byRemoteId.get(lib.remoteId);
    if (!existing) changes.added.push(lib);
    else if (existing.title !== lib.title || existing.key !== lib.key || existing.type !== lib.type || existing.removedAt !== null) {
      changes.updated.push({ id: existing.id, remote: lib });
    }
  }
  for (const lib of stored) if (!seen.has(lib.remoteId) && lib.removedAt === null) changes.removed.push(lib);
  return changes;
}

export interface StoredAccount {
  id: string;
  remoteId: string;
  memberId: string | null;
  username: string | null;
  email: string | null;
  displayName: string | null;
  state: string;
  libraries: string[] | 'all';
  allowDownloads: boolean;
  allowTranscoding: boolean | null;
  sessionCap: number | null;
  shareId: string | null;
  invitedAt: string | null;
  acceptedAt: string | null;
}

export interface AccountChanges {
  added: RemoteAccount[];
  updated: { id: string; remote: RemoteAccount }[];
  /** Gone from the server (unshared, deleted or the invite withdrawn). */
  gone: StoredAccount[];
}

/**
 * Usher never imports or touches the owner, administrators, Plex Home and managed users, nor the
 * Jellyfin/Emby template user (flagged by the adapter, or named in the settings).
 */
export function isManageable(account: RemoteAccount, templateUsername: string): boolean {
  if (account.role !== 'member' || account.isTemplate) return false;
  return !(templateUsername && account.username?.toLowerCase() === templateUsername.toLowerCase());
}

export function diffAccounts(stored: StoredAccount[], remote: RemoteAccount[]): AccountChanges {
  const byRemoteId = new Map(stored.map((a) => [a.remoteId, a]));
  const seen = new Set<string>();
  const changes: AccountChanges = { added: [], updated: [], gone: [] };
  for (const account of remote) {
    seen.add(account.remoteId);
    const existing = byRemoteId.get(account.remoteId);
    if (!existing) changes.added.push(account);
    else if (accountChanged(existing, account)) changes.updated.push({ id: existing.id, remote: account });
  }
  for (const account of stored) if (!seen.has(account.remoteId)) changes.gone.push(account);
  return changes;
}

function accountChanged(stored: StoredAccount, remote: RemoteAccount): boolean {
  return (
    stored.username !== remote.username ||
    stored.email !== remote.email ||
    stored.displayName !== remote.displayName ||
    stored.state !== remote.state ||
    stored.allowDownloads !== remote.allowDownloads ||
    stored.allowTranscoding !== (remote.allowTranscoding ?? null) ||
    stored.sessionCap !== (remote.sessionCap ?? null) ||
    (stored.shareId ?? null) !== (remote.shareId ?? null) ||
    (stored.invitedAt ?? null) !== (remote.invitedAt ?? null) ||
    (stored.acceptedAt ?? null) !== (remote.acceptedAt ?? null) ||
    !sameLibraries(stored.libraries, remote.libraries)
  );
}

export function sameLibraries(a: string[] | 'all', b: string[] | 'all'): boolean {
  if (a === 'all' || b === 'all') return a === b;
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

export interface MemberIdentity {
  id: string;
  email: string | null;
  username: string | null;
}

/**
 * Finds the member a remote account belongs to across servers: by email first, then by username,
 * case-insensitively. Deleted members are included on purpose, so their accounts stay theirs and
 * are never imported again.
 */
export class MemberMatcher {
  private readonly index = new Map<string, string>();

  constructor(members: Iterable<MemberIdentity>) {
    for (const member of members) this.add(member);
  }

  find(account: { email: string | null; username: string | null }): string | null {
    for (const key of keysOf(account)) {
      const id = this.index.get(key);
      if (id) return id;
    }
    return null;
  }

  /** Registers a member (a new one created during the pass) so later accounts match it. */
  add(member: MemberIdentity): void {
    for (const key of keysOf(member)) if (!this.index.has(key)) this.index.set(key, member.id);
  }
}

function keysOf(a: { email: string | null; username: string | null }): string[] {
  const keys: string[] = [];
  if (a.email) keys.push(`email:${a.email.toLowerCase()}`);
  if (a.username) keys.push(`user:${a.username.toLowerCase()}`);
  return keys;
}
