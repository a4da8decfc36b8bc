import { describe, expect, it } from 'vitest';
import { effectiveStatus, linkRefusal, type LinkCandidate } from '../../src/domain/linked-members.js';

const member = (id: string, over: Partial<LinkCandidate> = {}): LinkCandidate => ({ id, deleted: false, masterId: null, subCount: 0, ...over });
const base = { master: member('m', { subCount: 1 }), sub: member('s'), maxSubs: 2, subPlanMasterOnly: false };

describe('linked members (reference §2.14)', () => {
  it('a sub shows its master status; a member without a master its own', () => {
    expect(effectiveStatus('expired', 'active')).toBe('active');
    expect(effectiveStatus('active', 'expired')).toBe('expired');
    expect(effectiveStatus('active', undefined)).toBe('active');
  });

  it.each([
    ['allowed within the plan limit', {}, null],
    ['linking a member to itself', { sub: member('m') }, 'link_self'],
    ['a deleted master', { master: member('m', { deleted: true }) }, 'member_deleted'],
    ['a deleted sub', { sub: member('s', { deleted: true }) }, 'member_deleted'],
    ['a master that is itself a sub (no chains)', { master: member('m', { masterId: 'x' }) }, 'master_is_sub'],
    ['a sub that has subs of its own', { sub: member('s', { subCount: 1 }) }, 'sub_has_subs'],
    ['a sub already under this master', { sub: member('s', { masterId: 'm' }) }, 'already_linked'],
    ['a sub under another master', { sub: member('s', { masterId: 'other' }) }, 'already_linked'],
    ['the plan limit reached', { master: member('m', { subCount: 2 }) }, 'sub_limit_reached'],
    ['a plan without sub accounts', { maxSubs: 0, master: member('m') }, 'sub_limit_reached'],
    ['a sub on a master-only plan', { subPlanMasterOnly: true }, 'sub_plan_master_only'],
  ] as const)('%s', (_name, over, code) => {
    expect(linkRefusal({ ...base, ...over })?.code ?? null).toBe(code);
  });
});
