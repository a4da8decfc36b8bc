import type { RemoteAccount } from '../media-server.js';
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
    const existing = byId.get(share.userId);
    const fromShare: Pick<RemoteAccount, 'libraries' | 'allowDownloads' | 'shareId' | 'invitedAt' | 'acceptedAt'> = {
      libraries: share.allLibraries ? 'all' : share.sectionIds,
      allowDownloads: share.allowSync,
      shareId: share.shareId,
      invitedAt: share.invitedAt,
      acceptedAt: share.acceptedAt,
    };
    if (existing) {
      // A Home user's share keeps the Home role: it decides that Usher never touches them.
      if (existing.role !== 'owner') byId.set(share.userId, { ...existing, ...fromShare });
      continue;
    }
    byId.set(share.userId, {
      remoteId: share.userId,
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

/** v1's per-server list and v2's pending list overlap; the v1 entry (with sections) wins. */
export function mergeShares(serverShares: PlexShare[], pending: PlexShare[], machineId: string): PlexShare[] {
  const seen = new Set(serverShares.map((s) => s.shareId));
  return [...serverShares, ...pending.filter((p) => p.machineId === machineId && !seen.has(p.shareId))];
}
