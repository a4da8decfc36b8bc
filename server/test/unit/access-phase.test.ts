import { describe, expect, it } from 'vitest';
import { accessPhase, nextActions, type ExpiryPolicy } from '../../src/domain/access-phase.js';
import type { PaymentPeriod, StatusInput } from '../../src/domain/member-status.js';

const D = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const t = (days: number): Date => new Date(T0 + days * D);
const pay = (id: string, fromD: number, toD: number): PaymentPeriod => ({ id, from: t(fromD), to: t(toD) });

const plain: ExpiryPolicy = { graceEnabled: false, graceDays: 0, graceLibraryGroupIds: [], deleteAfterDays: 0 };
const graced: ExpiryPolicy = { graceEnabled: true, graceDays: 7, graceLibraryGroupIds: ['g-grace'], deleteAfterDays: 30 };
const member = (nowD: number, payments: PaymentPeriod[], over: Partial<StatusInput> = {}): StatusInput => ({
  permanent: false,
  payments,
  now: t(nowD),
  ...over,
});

describe('accessPhase', () => {
  it('permanent and paying members are active', () => {
    expect(accessPhase(member(0, [], { permanent: true }), graced)).toEqual({ phase: 'active', until: null, expiresAt: null });
    expect(accessPhase(member(0, [pay('p', -5, 5)]), graced)).toEqual({ phase: 'active', until: t(5), expiresAt: t(5) });
  });

  it('without advanced handling: libraries go at expiry; delete after 0 days means at once', () => {
    expect(accessPhase(member(5, [pay('p', -5, 5)]), plain)).toEqual({ phase: 'delete', expiredAt: t(5), deleteAt: t(5) });
    const keep = { ...plain, deleteAfterDays: 10 };
    expect(accessPhase(member(5, [pay('p', -5, 5)]), keep)).toEqual({ phase: 'expired', expiredAt: t(5), deleteAt: t(15) });
    expect(accessPhase(member(15, [pay('p', -5, 5)]), keep)).toEqual({ phase: 'delete', expiredAt: t(5), deleteAt: t(15) });
  });

  it('with advanced handling: grace groups for N days, then none, then deletion', () => {
    const payments = [pay('p', -5, 5)];
    expect(accessPhase(member(5, payments), graced)).toEqual({
      phase: 'grace',
      expiredAt: t(5),
      until: t(12),
      libraryGroupIds: ['g-grace'],
      deleteAt: t(35),
    });
    expect(accessPhase(member(12, payments), graced)).toEqual({ phase: 'expired', expiredAt: t(5), deleteAt: t(35) });
    expect(accessPhase(member(35, payments), graced)).toEqual({ phase: 'delete', expiredAt: t(5), deleteAt: t(35) });
  });

  it('never deletes before the grace is over, even with "delete after 0 days"', () => {
    const policy = { ...graced, deleteAfterDays: 0 };
    expect(accessPhase(member(11, [pay('p', -5, 5)]), policy)).toMatchObject({ phase: 'grace', deleteAt: t(12) });
    expect(accessPhase(member(12, [pay('p', -5, 5)]), policy)).toEqual({ phase: 'delete', expiredAt: t(5), deleteAt: t(12) });
  });

  it('grace switched on without any group to share is plain expiry', () => {
    const policy = { ...graced, graceLibraryGroupIds: [], deleteAfterDays: 0 };
    expect(accessPhase(member(6, [pay('p', -5, 5)]), policy)).toEqual({ phase: 'delete', expiredAt: t(5), deleteAt: t(5) });
  });

  it('keeps, and never deletes, a member with nothing to count from or a payment ahead', () => {
    expect(accessPhase(member(0, []), plain)).toEqual({ phase: 'expired', expiredAt: null, deleteAt: null });
    expect(accessPhase(member(10, [pay('p', -5, 5), pay('q', 20, 50)]), plain)).toEqual({
      phase: 'expired',
      expiredAt: t(5),
      deleteAt: null,
    });
    expect(accessPhase(member(10, [pay('q', 20, 50)]), plain)).toEqual({ phase: 'expired', expiredAt: null, deleteAt: null });
    expect(accessPhase(member(6, [pay('p', -5, 5), pay('q', 20, 50)]), graced)).toEqual({
      phase: 'grace',
      expiredAt: t(5),
      until: t(12),
      libraryGroupIds: ['g-grace'],
      deleteAt: null,
    });
    expect(nextActions(member(6, [pay('p', -5, 5), pay('q', 20, 50)]), graced)).toEqual([{ action: 'grace_end', at: t(12) }]);
  });

  it('the renewal grace keeps access; grace and deletion still count from the paid end', () => {
    const payments = [pay('p', -5, 5)];
    const live = { subscription: 'active' as const };
    expect(accessPhase(member(6, payments, live), plain)).toEqual({ phase: 'active', until: t(7), expiresAt: t(5) });
    expect(accessPhase(member(7, payments, live), { ...plain, deleteAfterDays: 10 })).toEqual({
      phase: 'expired',
      expiredAt: t(5),
      deleteAt: t(15),
    });
  });
});

describe('nextActions', () => {
  it('lists reminder, unshare and deletion for a paying member', () => {
    const policy = { ...plain, deleteAfterDays: 10, reminderDaysBefore: 3 };
    expect(nextActions(member(0, [pay('p', -5, 5)]), policy)).toEqual([
      { action: 'reminder', at: t(2) },
      { action: 'unshare', at: t(5) },
      { action: 'delete', at: t(15) },
    ]);
  });

  it('lists the grace steps with advanced handling, and drops what is past', () => {
    expect(nextActions(member(0, [pay('p', -5, 5)]), { ...graced, reminderDaysBefore: 7 })).toEqual([
      { action: 'grace_start', at: t(5) },
      { action: 'grace_end', at: t(12) },
      { action: 'delete', at: t(35) },
    ]);
    expect(nextActions(member(8, [pay('p', -5, 5)]), graced)).toEqual([
      { action: 'grace_end', at: t(12) },
      { action: 'delete', at: t(35) },
    ]);
    expect(nextActions(member(20, [pay('p', -5, 5)]), graced)).toEqual([{ action: 'delete', at: t(35) }]);
    expect(nextActions(member(40, [pay('p', -5, 5)]), graced)).toEqual([]);
  });

  it('has nothing ahead for a permanent member or one nothing dates', () => {
    expect(nextActions(member(0, [], { permanent: true }), graced)).toEqual([]);
    expect(nextActions(member(0, []), graced)).toEqual([]);
  });

  it('in the renewal grace, access goes at the end of that grace and the rest counts from the paid end', () => {
    const payments = [pay('p', -5, 5)];
    expect(nextActions(member(6, payments, { subscription: 'past_due' }), { ...plain, deleteAfterDays: 0 })).toEqual([
      { action: 'unshare', at: t(7) },
      { action: 'delete', at: t(7) },
    ]);
    expect(nextActions(member(6, payments, { subscription: 'past_due' }), graced)).toEqual([
      { action: 'grace_start', at: t(7) },
      { action: 'grace_end', at: t(12) },
      { action: 'delete', at: t(35) },
    ]);
  });
});
