import { describe, expect, it } from 'vitest';
import type { ExpiryPolicy } from '../../src/domain/access-phase.js';
import { explainMember, type ExplainInput, type ExplainPayment } from '../../src/domain/member-explain.js';

const D = 86_400_000;
const H = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const t = (days: number): Date => new Date(T0 + days * D);
const pay = (id: string, fromD: number, toD: number, planName = 'Gold'): ExplainPayment => ({ id, from: t(fromD), to: t(toD), planName });

const plain: ExpiryPolicy = { graceEnabled: false, graceDays: 0, graceLibraryGroupIds: [], deleteAfterDays: 0 };
const keep30: ExpiryPolicy = { ...plain, deleteAfterDays: 30 };
const graced: ExpiryPolicy = { graceEnabled: true, graceDays: 7, graceLibraryGroupIds: ['g'], deleteAfterDays: 30 };

const input = (nowD: number, over: Partial<ExplainInput> = {}): ExplainInput => ({
  now: t(nowD),
  permanent: false,
  payments: [],
  renewalGraceMs: 48 * H,
  policy: keep30,
  reminderDaysBefore: [],
  ...over,
});

type Row = [
  name: string,
  input: ExplainInput,
  expected: { state: string; phase: string; reason: Record<string, unknown>; summary: RegExp; actions: [string, Date][] },
];

const rows: Row[] = [
  [
    'permanent: always active, nothing scheduled',
    input(0, { permanent: true, payments: [pay('old', -90, -60)] }),
    { state: 'permanent', phase: 'active', reason: { code: 'permanent' }, summary: /^Permanent/, actions: [] },
  ],
  [
    'a covering payment: which one, unshare at its end, delete 30 days later',
    input(0, { payments: [pay('p1', -10, 20)] }),
    {
      state: 'active',
      phase: 'active',
      reason: { code: 'payment', paymentId: 'p1', planName: 'Gold', until: t(20) },
      summary: /Gold payment of 2025-12-22 00:00 UTC to 2026-01-21 00:00 UTC covers now\.$/,
      actions: [
        ['unshare', t(20)],
        ['delete', t(50)],
      ],
    },
  ],
  [
    'back-to-back payments: the covering one, access until the end of the run',
    input(0, { payments: [pay('p1', -10, 5), pay('p2', 5, 35, 'Silver')] }),
    {
      state: 'active',
      phase: 'active',
      reason: { code: 'payment', paymentId: 'p1', until: t(35) },
      summary: /run until 2026-02-05 00:00 UTC/,
      actions: [
        ['unshare', t(35)],
        ['delete', t(65)],
      ],
    },
  ],
  [
    'reminders from the settings, only those still ahead, in date order',
    input(0, { payments: [pay('p1', -10, 2)], reminderDaysBefore: [3, 1] }),
    {
      state: 'active',
      phase: 'active',
      reason: { code: 'payment' },
      summary: /covers now/,
      actions: [
        ['reminder', t(1)],
        ['unshare', t(2)],
        ['delete', t(32)],
      ],
    },
  ],
  [
    'renewal grace: a live subscription keeps the member on past the end',
    input(1, { payments: [pay('p1', -29, 0)], subscription: 'active', renewalGraceMs: 48 * H }),
    {
      state: 'active',
      phase: 'active',
      reason: { code: 'renewal_grace', expiredAt: t(0), until: t(2) },
      summary: /subscription is still live.*until 2026-01-03 00:00 UTC/,
      actions: [
        ['unshare', t(2)],
        ['delete', t(30)],
      ],
    },
  ],
  [
    'renewal grace over: expired at the payment end',
    input(3, { payments: [pay('p1', -29, 0)], subscription: 'active', renewalGraceMs: 48 * H }),
    {
      state: 'expired',
      phase: 'expired',
      reason: { code: 'expired', paymentId: 'p1', at: t(0) },
      summary: /last one ended at 2026-01-01 00:00 UTC.*deleted at 2026-01-31 00:00 UTC/,
      actions: [['delete', t(30)]],
    },
  ],
  [
    'never paid: expired, nothing deleted automatically',
    input(0),
    {
      state: 'expired',
      phase: 'expired',
      reason: { code: 'no_payments' },
      summary: /no payment has been recorded.*account is kept/,
      actions: [],
    },
  ],
  [
    'past "delete after": removed at the next pass',
    input(31, { payments: [pay('p1', -29, 0)] }),
    { state: 'expired', phase: 'delete', reason: { code: 'expired' }, summary: /removed at the next pass/, actions: [] },
  ],
  [
    'delete after 0 days: deleted at the first pass after the end',
    input(0, { payments: [pay('p1', -29, 0)], policy: plain }),
    { state: 'expired', phase: 'delete', reason: { code: 'expired' }, summary: /next pass/, actions: [] },
  ],
  [
    'advanced expiration: grace groups until the grace ends, then deletion',
    input(2, { payments: [pay('p1', -28, 0)], policy: graced }),
    {
      state: 'expired',
      phase: 'grace',
      reason: { code: 'expired' },
      summary: /grace library groups stay shared, until 2026-01-08 00:00 UTC/,
      actions: [
        ['grace_end', t(7)],
        ['delete', t(30)],
      ],
    },
  ],
  [
    'advanced expiration ahead: grace starts at the end instead of the unshare',
    input(0, { payments: [pay('p1', -10, 10)], policy: graced }),
    {
      state: 'active',
      phase: 'active',
      reason: { code: 'payment' },
      summary: /covers now/,
      actions: [
        ['grace_start', t(10)],
        ['grace_end', t(17)],
        ['delete', t(40)],
      ],
    },
  ],
  [
    'paid in advance: not active yet, the account is kept',
    input(0, { payments: [pay('p1', -20, -5), pay('p2', 3, 33)] }),
    {
      state: 'expired',
      phase: 'expired',
      reason: { code: 'starts_in_future', paymentId: 'p2', startsAt: t(3) },
      summary: /next one starts at 2026-01-04 00:00 UTC.*account is kept/,
      actions: [],
    },
  ],
  [
    "a linked member follows its master's payments, not its own; no reminders to the sub",
    input(0, {
      payments: [pay('own', -10, 100)],
      reminderDaysBefore: [3],
      master: { id: 'm1', label: 'Alice', permanent: false, payments: [pay('mp', -40, -10)] },
    }),
    {
      state: 'expired',
      phase: 'expired',
      reason: { code: 'expired', paymentId: 'mp' },
      summary: /^Linked to Alice: follows the master's status\. Expired/,
      actions: [['delete', t(20)]],
    },
  ],
  [
    'a permanent master makes the sub permanent',
    input(0, { master: { id: 'm1', label: 'Alice', permanent: true, payments: [] } }),
    { state: 'permanent', phase: 'active', reason: { code: 'permanent' }, summary: /^Linked to Alice.*Permanent/, actions: [] },
  ],
];

describe('explainMember', () => {
  it.each(rows)('%s', (_name, given, expected) => {
    const out = explainMember(given);
    expect(out.state).toBe(expected.state);
    expect(out.phase).toBe(expected.phase);
    expect(out.reason).toMatchObject(expected.reason);
    expect(out.summary).toMatch(expected.summary);
    expect(out.nextActions.map((a) => [a.action, a.at])).toEqual(expected.actions);
    for (const a of out.nextActions) expect(a.message).toBeTruthy();
    expect(out.followsMaster).toEqual(given.master ? { id: given.master.id, label: given.master.label } : null);
  });
});
