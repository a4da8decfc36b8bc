/**
 * The mass-removal guard of a server sync. A single read that suddenly lacks most of a server's
 * accounts or libraries is far more likely a broken answer (an outage page, a changed API, a
 * token that sees another server) than a real mass unshare, and applying it would drop every
 * member's record of access. Pure: the sync service supplies the counts and what it last held.
 */

/** A pass holds when it would remove more than this share of what is stored… */
export const MASS_REMOVAL_SHARE = 0.2;
/** …and more than this many, so small servers still sync a few removals at once. */
export const MASS_REMOVAL_MIN = 5;

export function isMassRemoval(stored: number, removing: number): boolean {
  return removing > MASS_REMOVAL_MIN && removing > stored * MASS_REMOVAL_SHARE;
}

export interface RemovalSide {
  /** What Usher stores for the server (accounts; libraries not already removed). */
  stored: number;
  /** What the server reported in this pass. */
  seen: number;
  /** Remote ids this pass would remove. */
  removing: string[];
}

/** What a held pass would have removed, with the numbers the admin is shown. */
export interface HeldRemovals {
  accounts: { stored: number; seen: number; removing: string[] };
  libraries: { stored: number; seen: number; removing: string[] };
}

export type GuardVerdict =
  /** Nothing suspicious: apply the pass (and forget any earlier hold). */
  | { action: 'apply' }
  /** The previous pass saw the same reduced set: two reads agree, apply. */
  | { action: 'apply_agreed' }
  /** Apply nothing for this server; keep `held` until the admin confirms or the next pass agrees. */
  | { action: 'hold'; held: HeldRemovals };

/**
 * Decides a pass. Removals Usher caused itself (`expected`, e.g. the access engine unsharing an
 * expired member) never count toward the threshold; the rest trips it per resource.
 */
export function judgeRemovals(
  input: { accounts: RemovalSide; libraries: RemovalSide; expectedAccountRemovals: ReadonlySet<string> },
  previous: HeldRemovals | null,
): GuardVerdict {
  const unexpectedAccounts = input.accounts.removing.filter((id) => !input.expectedAccountRemovals.has(id));
  const held: HeldRemovals = {
    accounts: { stored: input.accounts.stored, seen: input.accounts.seen, removing: [...unexpectedAccounts].sort() },
    libraries: { stored: input.libraries.stored, seen: input.libraries.seen, removing: [...input.libraries.removing].sort() },
  };
  const suspicious = isMassRemoval(held.accounts.stored, held.accounts.removing.length) || isMassRemoval(held.libraries.stored, held.libraries.removing.length);
  if (!suspicious) return { action: 'apply' };
  if (previous && sameRemovals(previous, held)) return { action: 'apply_agreed' };
  return { action: 'hold', held };
}

function sameRemovals(a: HeldRemovals, b: HeldRemovals): boolean {
  return sameSet(a.accounts.removing, b.accounts.removing) && sameSet(a.libraries.removing, b.libraries.removing);
}

function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

/** The alert text: the server's name and stored versus seen counts, for each resource that tripped. */
export function describeHeld(serverName: string, held: HeldRemovals): string {
  const parts: string[] = [];
  if (held.accounts.removing.length > 0) {
    parts.push(`${held.accounts.seen} of ${held.accounts.stored} accounts were seen (${held.accounts.removing.length} would be removed)`);
  }
  if (held.libraries.removing.length > 0) {
    parts.push(`${held.libraries.seen} of ${held.libraries.stored} libraries were seen (${held.libraries.removing.length} would be removed)`);
  }
  return (
    `${serverName}: ${parts.join('; ')}. Usher changed nothing for this server. ` +
    'If the removals are real, use Apply the removals on the Servers page, or wait: the next sync applies them if it sees the same.'
  );
}
