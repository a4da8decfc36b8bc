import type { AccessPhase } from '../../domain/access-phase.js';
import type { Operation, ReconcilePlan, SkipReason } from '../../domain/reconcile.js';
import type { PlanRecord } from '../plans/plans.repository.js';
import type { ServerRecord } from '../servers/servers.repository.js';
import type { LibraryRow, LinkedAccount } from './access.repository.js';
import type { PlacementFailure, PlannedPlacement } from './placement.service.js';

/** One change a pass makes (or would make), in words the dry-run page shows. */
export interface AccessChange {
  serverId: string;
  serverName: string;
  serverKind: ServerRecord['kind'];
  memberId: string;
  memberLabel: string;
  kind: Operation['kind'];
  phase: AccessPhase['phase'];
  planName: string | null;
  librariesBefore: string[] | 'all';
  librariesAfter: string[];
  allowDownloadsBefore: boolean;
  allowDownloadsAfter: boolean | null;
  allowTranscoding: boolean | null;
  sessionCap: number | null;
}

export interface AccessSkip {
  serverId: string;
  serverName: string;
  memberId: string;
  memberLabel: string;
  reason: SkipReason;
}

export interface AccessPassResult {
  /** Whether remote writes are on (Settings → Media server integration → Sync shared libraries). */
  syncSharedLibraries: boolean;
  computedAt: string;
  members: number;
  operations: Operation[];
  changes: AccessChange[];
  skipped: AccessSkip[];
  /**
   * Servers whose libraries are all still Private: nobody is granted anything there until the admin
   * groups them, since every member would otherwise lose every library on the first pass.
   */
  unconfiguredServers: { serverId: string; serverName: string }[];
  /** Operations newly queued by this pass (0 when writes are off, or all were already queued). */
  enqueued: number;
  /** Active members without an account and the server placement chose for them (reference §6.14). */
  placements: PlannedPlacement[];
  /** Active members without an account that no server can take: nothing is queued for them. */
  unplaced: PlacementFailure[];
}

/** What an entry of the pass was decided from, for describing its operations. */
export interface EntryContext {
  account: LinkedAccount;
  phase: AccessPhase;
  plan: PlanRecord | null;
}

/** Keys an entry by member and server, as the reconciler pairs them. */
export const pairKey = (memberId: string, serverId: string) => `${memberId}\u0000${serverId}`;

function memberLabel(a: Pick<LinkedAccount, 'memberDisplayName' | 'memberUsername' | 'memberEmail' | 'memberId'>): string {
  return a.memberDisplayName ?? a.memberUsername ?? a.memberEmail ?? a.memberId;
}

/** The operations and skips of (a slice of) a pass, in the admin's words: names instead of ids. */
export function describeChanges(
  result: ReconcilePlan,
  context: ReadonlyMap<string, EntryContext>,
  servers: ReadonlyMap<string, ServerRecord>,
  libraries: ReadonlyMap<string, readonly LibraryRow[]>,
): { changes: AccessChange[]; skipped: AccessSkip[] } {
  const titleOf = (serverId: string, remoteId: string) => libraries.get(serverId)?.find((l) => l.remoteId === remoteId)?.title ?? remoteId;
  const changes: AccessChange[] = result.operations.map((op) => {
    const ctx = context.get(pairKey(op.memberId, op.serverId))!;
    const server = servers.get(op.serverId)!;
    const grant = op.payload.kind === 'grant' || op.payload.kind === 'provision' ? op.payload.grant : null;
    const before = ctx.account.libraries;
    return {
      serverId: server.id,
      serverName: server.name,
      serverKind: server.kind,
      memberId: op.memberId,
      memberLabel: memberLabel(ctx.account),
      kind: op.kind,
      phase: ctx.phase.phase,
      planName: ctx.plan?.name ?? null,
      librariesBefore: before === 'all' ? 'all' : before.map((id) => titleOf(server.id, id)),
      librariesAfter: grant ? grant.libraries.map((id) => titleOf(server.id, id)) : [],
      allowDownloadsBefore: ctx.account.allowDownloads,
      allowDownloadsAfter: grant ? grant.allowDownloads : null,
      allowTranscoding: grant ? grant.allowTranscoding : null,
      sessionCap: grant ? grant.sessionCap : null,
    };
  });
  const skipped: AccessSkip[] = result.skipped.map((s) => {
    const ctx = context.get(pairKey(s.memberId, s.serverId));
    return {
      serverId: s.serverId,
      serverName: servers.get(s.serverId)?.name ?? s.serverId,
      memberId: s.memberId,
      memberLabel: ctx ? memberLabel(ctx.account) : s.memberId,
      reason: s.reason,
    };
  });
  return { changes, skipped };
}
