/**
 * Which server a member is shared on (reference §6.14, §6.15), as a pure decision the service
 * applies. A member already on (or invited to) a server that fits stays there: moving someone
 * costs them a new invite. Otherwise: a server they were on before, then the plan's target
 * servers, the preferred location, and the fewest occupied seats. No server is a result with
 * every server's reasons, not an exception, so the caller can alert the admin and change nothing.
 */

export type ServerKind = 'plex' | 'jellyfin' | 'emby';

/** Named after the `servers` table (schema-media.ts); counts and groups come from the service. */
export interface PlacementServer {
  id: string;
  kind: ServerKind;
  enabled: boolean;
  allowNewSubscriptions: boolean;
  allowTrials: boolean;
  /** 0 = no explicit limit. */
  maxUsers: number;
  locationId: string | null;
  /** Library groups with at least one (not removed) library on this server. */
  libraryGroupIds: readonly string[];
  /** Shared members (Plex friends with a share, Jellyfin/Emby accounts Usher manages). */
  members: number;
  /** Plex invites not yet accepted: each holds a seat. */
  pendingInvites: number;
  /** Plex Home and managed users: they count against Plex's limit too. */
  homeUsers: number;
}

export interface PlacementPlan {
  libraryGroupIds: readonly string[];
  /** Tried first, in any order; empty = every server. */
  targetServerIds: readonly string[];
  isTrial: boolean;
}

export interface PlacementMember {
  currentServerId: string | null;
  pendingInviteServerId: string | null;
  /** Servers the member was shared on before (most recent first). */
  previousServerIds: readonly string[];
  preferredLocationId: string | null;
  /** Never subscribed before: only servers that allow new subscriptions take them. */
  isNew: boolean;
}

/**
 * Plex stops accepting shares near 100 accounts; the reference treats 99 seats, friends and Home
 * users included, as full. An explicit maximum above that could never be reached, so it is capped.
 */
export const PLEX_SEAT_CAP = 99;

export type PlacementRule = 'current' | 'pending_invite' | 'previous' | 'target' | 'any';

export type RejectReason = 'disabled' | 'full' | 'missing_library_groups' | 'no_trials' | 'no_new_subscriptions';

export type Placement =
  /** `disabled`: the member is left on a disabled server as they are; the reconciler writes nothing there. */
  | { ok: true; serverId: string; rule: PlacementRule; disabled?: true }
  | { ok: false; reason: 'no_server'; message: string; rejected: { serverId: string; reasons: RejectReason[] }[] };

export function seatsUsed(server: PlacementServer): number {
  return server.kind === 'plex' ? server.members + server.pendingInvites + server.homeUsers : server.members;
}

/** Seats the server may hold; Infinity when unlimited (Jellyfin/Emby without a maximum). */
export function seatLimit(server: PlacementServer): number {
  if (server.kind === 'plex') return server.maxUsers > 0 ? Math.min(server.maxUsers, PLEX_SEAT_CAP) : PLEX_SEAT_CAP;
  return server.maxUsers > 0 ? server.maxUsers : Infinity;
}

export function hasRoom(server: PlacementServer): boolean {
  return seatsUsed(server) < seatLimit(server);
}

/** The server carries every library group of the plan, so the member gets all they paid for. */
function carriesPlan(server: PlacementServer, plan: PlacementPlan): boolean {
  const groups = new Set(server.libraryGroupIds);
  return plan.libraryGroupIds.length > 0 && plan.libraryGroupIds.every((g) => groups.has(g));
}

/** Why a server cannot take this member as a new seat; empty when it can. */
export function rejectReasons(server: PlacementServer, plan: PlacementPlan, member: PlacementMember): RejectReason[] {
  const reasons: RejectReason[] = [];
  if (!server.enabled) reasons.push('disabled');
  if (!carriesPlan(server, plan)) reasons.push('missing_library_groups');
  if (plan.isTrial && !server.allowTrials) reasons.push('no_trials');
  if (member.isNew && !server.allowNewSubscriptions) reasons.push('no_new_subscriptions');
  if (!hasRoom(server)) reasons.push('full');
  return reasons;
}

/**
 * A seat the member already holds fits when it carries the plan (and takes trials, for a trial
 * plan). Capacity and "new subscriptions" do not matter: the seat is already counted and taken.
 */
function seatFits(server: PlacementServer, plan: PlacementPlan): boolean {
  return carriesPlan(server, plan) && (!plan.isTrial || server.allowTrials);
}

export function placeMember(servers: readonly PlacementServer[], plan: PlacementPlan, member: PlacementMember): Placement {
  const byId = new Map(servers.map((s) => [s.id, s]));
  for (const [id, rule] of [
    [member.currentServerId, 'current'],
    [member.pendingInviteServerId, 'pending_invite'],
  ] as const) {
    const server = id ? byId.get(id) : undefined;
    // A disabled server keeps its members as they are (no move, no writes), as the issue asks.
    if (server && seatFits(server, plan))
      return server.enabled ? { ok: true, serverId: server.id, rule } : { ok: true, serverId: server.id, rule, disabled: true };
  }

  const candidates = servers.filter((s) => rejectReasons(s, plan, member).length === 0);
  for (const id of member.previousServerIds) {
    if (candidates.some((s) => s.id === id)) return { ok: true, serverId: id, rule: 'previous' };
  }

  const targets = new Set(plan.targetServerIds);
  const targeted = candidates.filter((s) => targets.has(s.id));
  const pool = targeted.length > 0 ? targeted : candidates;
  const local = member.preferredLocationId ? pool.filter((s) => s.locationId === member.preferredLocationId) : [];
  const best = [...(local.length > 0 ? local : pool)].sort(
    (a, b) => seatsUsed(a) - seatsUsed(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )[0];
  if (best) return { ok: true, serverId: best.id, rule: targeted.length > 0 ? 'target' : 'any' };

  const rejected = servers.map((s) => ({ serverId: s.id, reasons: rejectReasons(s, plan, member) }));
  return { ok: false, reason: 'no_server', message: noServerMessage(servers.length, plan, rejected), rejected };
}

const REASON_TEXT: Record<RejectReason, string> = {
  disabled: 'disabled',
  full: 'full',
  missing_library_groups: "without all of the plan's library groups",
  no_trials: 'not taking trials',
  no_new_subscriptions: 'not taking new subscriptions',
};

function noServerMessage(count: number, plan: PlacementPlan, rejected: { reasons: RejectReason[] }[]): string {
  if (count === 0) return 'No media server is configured.';
  if (plan.libraryGroupIds.length === 0) return 'The plan has no library groups, so no server can fit it.';
  const tally = new Map<RejectReason, number>();
  for (const r of rejected) for (const reason of r.reasons) tally.set(reason, (tally.get(reason) ?? 0) + 1);
  const parts = [...tally].map(([reason, n]) => `${n} ${REASON_TEXT[reason]}`);
  return `No server can take this member: of ${count} server${count === 1 ? '' : 's'}, ${parts.join(', ')}.`;
}
