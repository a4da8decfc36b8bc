/**
 * The reconciler's pure core: what each member must have on each server (desired) against what
 * the server reports (actual) → the remote operations that close the gap. The service stores
 * them (unique by idempotency key) and applies them through the media-server port, so two passes
 * computing the same change at once, or one pass repeated after a crash, do it once.
 *
 * Structural types on purpose: domain/ depends on nothing in adapters/, and these shapes are
 * assignable to the port's AccessGrant / AccountRef.
 */
import { createHash } from 'node:crypto';

export type ServerKind = 'plex' | 'jellyfin' | 'emby';

export interface Grant {
  /** Remote library ids (the ids sharing uses). Mutable like the port's, so a Grant passes as-is. */
  libraries: string[];
  allowDownloads: boolean;
  /** Video transcoding; audio transcoding always stays allowed (reference §6.3). */
  allowTranscoding: boolean;
  /** Jellyfin/Emby concurrent-stream cap; 0 = unlimited. Plex has none (enforced by session stops). */
  sessionCap: number;
}

export type DesiredAccess = { kind: 'access'; grant: Grant } | { kind: 'no_access' } | { kind: 'delete' };

export interface DesiredEntry {
  memberId: string;
  serverId: string;
  serverKind: ServerKind;
  /** What a new account is created or invited with: the Plex email/username, the Jellyfin/Emby username. */
  identifier: string;
  access: DesiredAccess;
  /**
   * Distinguishes legitimate repeats of the same change: expire → renew → expire again, or a plan's
   * groups changed and changed back, must not reuse the first operation's key. Pass a value that
   * moves whenever the inputs of this entry may have changed and is the same for every instance
   * computing it, e.g. `${member access version}:${plan version}` bumped on each payment, plan or
   * member edit. A payment id alone is not enough (a plan edit keeps the same payment).
   */
  epoch: string;
}

/** Who an account is on the server; anything but `member` (or the template) is never touched. */
export type AccountRole = 'member' | 'owner' | 'admin' | 'home' | 'managed';

export interface ActualAccount {
  memberId: string;
  serverId: string;
  remoteId: string;
  shareId?: string | null;
  role: AccountRole;
  isTemplate?: boolean;
  state: 'active' | 'pending' | 'disabled';
  libraries: readonly string[] | 'all';
  allowDownloads: boolean;
  /** Reported only by some adapters; when absent the field is not compared. */
  allowTranscoding?: boolean;
  sessionCap?: number;
}

export type OperationKind = 'provision' | 'grant' | 'revoke' | 'delete' | 'rename';

export type OperationPayload =
  | { kind: 'provision'; identifier: string; grant: Grant }
  | { kind: 'grant'; account: AccountRefPayload; grant: Grant }
  | { kind: 'revoke'; account: AccountRefPayload }
  | { kind: 'delete'; account: AccountRefPayload }
  /** Only from an admin's identity change (never computed by reconcile()): the Jellyfin/Emby user's new name. */
  | { kind: 'rename'; account: AccountRefPayload; name: string };

export interface AccountRefPayload {
  remoteId: string;
  shareId?: string;
}

export interface Operation {
  memberId: string;
  serverId: string;
  kind: OperationKind;
  payload: OperationPayload;
  idempotencyKey: string;
}

export type SkipReason = 'protected_account' | 'no_libraries';

export interface ReconcilePlan {
  operations: Operation[];
  /** Desired changes deliberately not made, for the member page and the dry-run page. */
  skipped: { memberId: string; serverId: string; reason: SkipReason }[];
}

export function isProtected(account: Pick<ActualAccount, 'role' | 'isTemplate'>): boolean {
  return account.role !== 'member' || account.isTemplate === true;
}

/** One spelling per grant (sorted, no duplicates), so equal grants give equal idempotency keys. */
export function normalizeGrant(grant: Grant): Grant {
  return {
    libraries: [...new Set(grant.libraries)].sort(),
    allowDownloads: grant.allowDownloads,
    allowTranscoding: grant.allowTranscoding,
    sessionCap: Math.max(0, Math.trunc(grant.sessionCap)),
  };
}

function sameLibraries(actual: readonly string[] | 'all', wanted: readonly string[]): boolean {
  if (actual === 'all') return false;
  const have = new Set(actual);
  return have.size === wanted.length && wanted.every((id) => have.has(id));
}

/** Whether the account already has exactly this grant (only fields the adapter reports are compared). */
export function grantMatches(kind: ServerKind, account: ActualAccount, grant: Grant): boolean {
  // A disabled account is compared like any other: a grant never enables it (the admin disabled it
  // on the server), so re-granting a matching one wrote nothing and came back every pass.
  if (!sameLibraries(account.libraries, grant.libraries) || account.allowDownloads !== grant.allowDownloads) return false;
  // A Plex share carries only libraries and downloads; transcoding and streams are enforced by stopping sessions there.
  if (kind === 'plex') return true;
  if (account.allowTranscoding !== undefined && account.allowTranscoding !== grant.allowTranscoding) return false;
  return account.sessionCap === undefined || account.sessionCap === grant.sessionCap;
}

/** A pending Plex invite or any library means there is still access to take away. */
function hasAccess(account: ActualAccount): boolean {
  return account.state === 'pending' || account.libraries === 'all' || account.libraries.length > 0;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Same member, server, kind, payload and epoch → same key, whichever instance computes it; the
 * remote ids are part of the payload, so an account re-created remotely gets a fresh key.
 */
export function idempotencyKey(memberId: string, serverId: string, payload: OperationPayload, epoch: string): string {
  const hash = createHash('sha256').update(canonical({ memberId, serverId, payload, epoch })).digest('hex');
  return `${payload.kind}:${hash.slice(0, 32)}`;
}

function ref(account: ActualAccount): AccountRefPayload {
  return account.shareId ? { remoteId: account.remoteId, shareId: account.shareId } : { remoteId: account.remoteId };
}

function operationsFor(entry: DesiredEntry, accounts: readonly ActualAccount[]): OperationPayload[] | SkipReason {
  const access = entry.access;
  if (access.kind === 'delete') return accounts.map((a) => ({ kind: 'delete', account: ref(a) }));
  const grant = access.kind === 'access' ? normalizeGrant(access.grant) : null;
  // An empty grant is no access: Plex cannot share nothing, and Jellyfin/Emby would just be revoked.
  if (!grant || grant.libraries.length === 0) {
    const revokes: OperationPayload[] = accounts.filter(hasAccess).map((a) => ({ kind: 'revoke', account: ref(a) }));
    return grant && accounts.length === 0 ? 'no_libraries' : revokes;
  }
  if (accounts.length === 0) return [{ kind: 'provision', identifier: entry.identifier, grant }];
  return accounts.filter((a) => !grantMatches(entry.serverKind, a, grant)).map((a) => ({ kind: 'grant', account: ref(a), grant }));
}

const KIND_ORDER: Record<OperationKind, number> = { provision: 0, rename: 1, grant: 2, revoke: 3, delete: 4 };

/**
 * Only (member, server) pairs listed in `desired` are acted on: an account with no entry (a
 * server dropped from a plan, a deleted server) is left as it is, and taking access away must
 * be asked for explicitly with `no_access` or `delete`.
 */
export function reconcile(desired: readonly DesiredEntry[], actual: readonly ActualAccount[]): ReconcilePlan {
  const accountsByPair = new Map<string, ActualAccount[]>();
  for (const account of actual) {
    const key = `${account.memberId}\u0000${account.serverId}`;
    const list = accountsByPair.get(key);
    if (list) list.push(account);
    else accountsByPair.set(key, [account]);
  }

  const plan: ReconcilePlan = { operations: [], skipped: [] };
  for (const entry of desired) {
    const accounts = accountsByPair.get(`${entry.memberId}\u0000${entry.serverId}`) ?? [];
    // One protected account on the pair (the member is also the owner, an admin, a Home user)
    // stops everything there: provisioning beside it would duplicate them.
    if (accounts.some(isProtected)) {
      plan.skipped.push({ memberId: entry.memberId, serverId: entry.serverId, reason: 'protected_account' });
      continue;
    }
    const result = operationsFor(entry, accounts);
    if (typeof result === 'string') {
      plan.skipped.push({ memberId: entry.memberId, serverId: entry.serverId, reason: result });
      continue;
    }
    for (const payload of result) {
      plan.operations.push({
        memberId: entry.memberId,
        serverId: entry.serverId,
        kind: payload.kind,
        payload,
        idempotencyKey: idempotencyKey(entry.memberId, entry.serverId, payload, entry.epoch),
      });
    }
  }
  plan.operations.sort(compareOperations);
  return plan;
}

/** The order operations are listed and queued in: by server, then member, provisions before removals. */
export function compareOperations(a: Operation, b: Operation): number {
  return (
    (a.serverId < b.serverId ? -1 : a.serverId > b.serverId ? 1 : 0) ||
    (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    (a.idempotencyKey < b.idempotencyKey ? -1 : a.idempotencyKey > b.idempotencyKey ? 1 : 0)
  );
}
