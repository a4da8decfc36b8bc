/**
 * Linked users (reference §2.14): the master pays, subs follow the master's status. Pure rules,
 * so the member list, the member page and the reconciler can all ask the same question.
 */

/** A sub's own payments do not count: it is exactly as active as its master. */
export function effectiveStatus<S>(own: S, master: S | undefined): S {
  return master ?? own;
}

export interface LinkCandidate {
  id: string;
  deleted: boolean;
  masterId: string | null;
  subCount: number;
}

export type LinkRefusal =
  | { code: 'link_self'; message: string }
  | { code: 'member_deleted'; message: string }
  | { code: 'master_is_sub'; message: string }
  | { code: 'sub_has_subs'; message: string }
  | { code: 'already_linked'; message: string }
  | { code: 'sub_limit_reached'; message: string }
  | { code: 'sub_plan_master_only'; message: string };

/**
 * Whether `sub` may be linked under `master`. One level only: a master cannot itself be a sub and a
 * sub cannot have subs, so a status never follows a chain. `maxSubs` comes from the master's plan
 * (0 when the master has no plan); a permanent master is still bound by it.
 */
export function linkRefusal(input: { master: LinkCandidate; sub: LinkCandidate; maxSubs: number; subPlanMasterOnly: boolean }): LinkRefusal | null {
  const { master, sub } = input;
  if (master.id === sub.id) return { code: 'link_self', message: 'A member cannot be linked to themselves.' };
  if (master.deleted || sub.deleted) return { code: 'member_deleted', message: 'Deleted members cannot be linked.' };
  if (master.masterId) return { code: 'master_is_sub', message: 'The master is itself a linked member; link to its master instead.' };
  if (sub.subCount > 0) return { code: 'sub_has_subs', message: 'This member has linked members of its own; unlink them first.' };
  if (sub.masterId === master.id) return { code: 'already_linked', message: 'This member is already linked to that master.' };
  if (sub.masterId) return { code: 'already_linked', message: 'This member is linked to another master; unlink it first.' };
  if (master.subCount >= input.maxSubs)
    return { code: 'sub_limit_reached', message: `The master's plan allows ${input.maxSubs} linked member${input.maxSubs === 1 ? '' : 's'}, and that many are linked already.` };
  if (input.subPlanMasterOnly) return { code: 'sub_plan_master_only', message: "The member's current plan is for masters only; a linked member cannot have it." };
  return null;
}
