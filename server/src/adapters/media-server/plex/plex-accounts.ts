import type { RemoteAccount } from '../../../ports/media-server.js';
import type { PlexAccountInfo, PlexHomeUser, PlexShare } from './plex-types.js';

/**
 * The accounts of one Plex server as Usher sees them: the owner, the owner's Plex Home (members and
 * managed users), and everyone the server is shared with (pending invites included). Only `member`
 * accounts are ever imported or touched by Usher.
 */
export function buildAccounts(owner: PlexAccountInfo | null, home: PlexHomeUser[], shares: PlexShare[]): RemoteAccount[] {
  const byId = new Map<string, RemoteAccount>();
  const admin = home.find((u) => u.admin);
  const ownerId = admin?.id ?? owner?.plexUserId;
  if (ownerId) {
    byId.set(ownerId, {
      remoteId: ownerId,
      username: admin?.username ?? owner?.username ?? null,
      email: admin?.email ?? owner?.email ?? null,
      displayName: admin?.title ?? owner?.title ?? null,
      role: 'owner',
      state: 'active',
      libraries: 'all',
      allowDownloads: true,
    });
  }
  for (const u of home) {
    if (u.id === ownerId) continue;
    byId.set(u.id, {
      remoteId: u.id,
      username: u.username,
      email: u.email,
      displayName: u.title,
      role: u.restricted ? 'managed' : 'home',
      state: 'active',
      libraries: [],
      allowDownloads: false,
    });
  }
  for (const share of shares) {
    const key = shareAccountKey(share);
    const existing = byId.get(key);
    const fromShare: Pick<RemoteAccount, 'libraries' | 'allowDownloads' | 'shareId' | 'invitedAt' | 'acceptedAt'> = {
      libraries: share.allLibraries ? 'all' : share.sectionIds,
      allowDownloads: share.allowSync,
      shareId: share.shareId,
      invitedAt: share.invitedAt,
      acceptedAt: share.acceptedAt,
    };
    if (existing) {
      // A Home user's share keeps the Home role: it decides that Usher never touches them.
      if (existing.role !== 'owner') byId.set(key, { ...existing, ...fromShare });
      continue;
    }
    byId.set(key, {
      remoteId: key,
      username: share.username,
      email: share.email,
      displayName: share.title ?? share.username ?? share.email,
      role: 'member',
      state: share.accepted ? 'active' : 'pending',
      ...fromShare,
    });
  }
  return [...byId.values()];
}

const INVITE_KEY = /^invite:([^:]+):(.*)$/;

/**
 * The remote id of the account a share belongs to: the Plex user id, or — for an invite to an
 * email that has no Plex account yet, which plex.tv lists without a user id — `invite:<share id>:<email>`.
 * Never the empty string: every such invite would otherwise collapse into one account.
 */
export function shareAccountKey(share: PlexShare): string {
  if (share.userId) return share.userId;
  return `invite:${share.shareId}:${(share.email ?? share.username ?? '').toLowerCase()}`;
}

/** The share id and email of an invite key, or null for a Plex user id. */
export function parseInviteKey(remoteId: string): { shareId: string; email: string } | null {
  const m = INVITE_KEY.exec(remoteId);
  return m ? { shareId: m[1]!, email: m[2]! } : null;
}
