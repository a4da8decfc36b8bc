import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportingWindows } from '../../src/adapters/payment/paypal/paypal-reporting.js';
import { DAY_MS, HOUR_MS } from '../../src/platform/clock.js';
import { paypalError, startPayPalHarness, type PayPalHarness } from './support/paypal.js';

const REPORTING = 'GET /v1/reporting/transactions';
const NVP = 'POST /nvp';

/** 30 payments, one every 2.5 days from 2026-01-01, with JPY and USD. */
const START = new Date('2026-01-01T00:00:00Z');
const seeded = Array.from({ length: 30 }, (_, i) => ({
  time: new Date(START.getTime() + i * 2.5 * DAY_MS + HOUR_MS).toISOString(),
  amount:
    i % 3 === 0 ? { currency_code: 'JPY', value: String(1000 + i) } : { currency_code: 'USD', value: `${i}.${String(i).padStart(2, '0')}` },
  email: i % 2 === 0 ? 'even@example.com' : 'odd@example.com',
}));

let h: PayPalHarness;
let ids: string[];
beforeAll(async () => {
  h = await startPayPalHarness();
  ids = h.fake.seedTransactions(seeded).map((t) => t.id);
});
afterAll(() => h.close());

describe('PayPal Reporting API transaction search', () => {
  it('cuts a range into windows of at most 31 days', () => {
    const windows = reportingWindows(new Date('2026-01-01T00:00:00.400Z'), new Date('2026-03-20T00:00:00Z'));
    expect(windows).toHaveLength(3);
    expect(windows[0]!.start.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(windows.at(-1)!.end.toISOString()).toBe('2026-03-20T00:00:00.000Z');
    for (const w of windows) expect(w.end.getTime() - w.start.getTime()).toBeLessThanOrEqual(31 * DAY_MS);
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.start).toEqual(windows[i - 1]!.end);
  });

  it('reads every window and every page, once per transaction, with amounts in minor units', async () => {
    const client = h.client();
    h.fake.http.resetCounts();
    const rows = await client.searchTransactions({ from: START, to: new Date(START.getTime() + 80 * DAY_MS), pageSize: 4 });
    expect(rows.map((r) => r.id)).toEqual(ids);
    // 3 windows (31 + 31 + 18 days) of 13, 12 and 5 rows at 4 a page.
    expect(h.count(REPORTING)).toBe(4 + 3 + 2);
    expect(rows[0]).toMatchObject({
      gross: { minor: 1000, currency: 'JPY' },
      payerEmail: 'even@example.com',
      status: 'S',
      eventCode: 'T0006',
      referenceType: 'ODR',
    });
    expect(rows[1]).toMatchObject({ gross: { minor: 101, currency: 'USD' }, payerEmail: 'odd@example.com' });
    expect(rows[0]!.time.toISOString()).toBe(seeded[0]!.time);
    expect(rows.every((r) => r.fee && r.fee.minor > 0)).toBe(true);
  });

  it('does not see what PayPal has not reported yet', async () => {
    const client = h.client();
    const now = h.fake.state.now();
    const [recent] = h.fake.seedTransactions([
      { time: new Date(now.getTime() - HOUR_MS).toISOString(), amount: { currency_code: 'USD', value: '5.00' } },
    ]);
    h.fake.settings.reportingDelayMs = 3 * HOUR_MS;
    try {
      const search = () => client.searchTransactions({ from: new Date(now.getTime() - DAY_MS), to: now });
      expect((await search()).map((r) => r.id)).not.toContain(recent!.id);
      h.fake.settings.reportingDelayMs = 0;
      expect((await search()).map((r) => r.id)).toContain(recent!.id);
    } finally {
      h.fake.settings.reportingDelayMs = 0;
    }
  });

  it('says which permission is missing when the app may not search', async () => {
    h.fake.settings.reportingPermission = false;
    try {
      const error = await paypalError(h.client().searchTransactions({ from: START, to: new Date(START.getTime() + DAY_MS) }));
      expect(error).toMatchObject({ status: 403, paypalName: 'NOT_AUTHORIZED' });
      expect(error.fix).toMatch(/Transaction search/);
    } finally {
      h.fake.settings.reportingPermission = true;
    }
  });
});

describe('PayPal NVP TransactionSearch', () => {
  it('narrows the range on warning 11002 until every transaction is read', async () => {
    h.fake.settings.nvpMaxRows = 7;
    h.fake.http.resetCounts();
    try {
      const rows = await h.nvp().transactionSearch({ from: START, to: new Date(START.getTime() + 80 * DAY_MS) });
      expect(rows.map((r) => r.id)).toEqual(ids);
      expect(h.count(NVP)).toBeGreaterThan(4);
      expect(rows[0]).toMatchObject({
        gross: { minor: 1000, currency: 'JPY' },
        payerEmail: 'even@example.com',
        status: 'Completed',
        eventCode: 'Payment',
      });
      expect(rows[1]).toMatchObject({ gross: { minor: 101, currency: 'USD' } });
      expect(rows[1]!.fee!.minor).toBeGreaterThan(0);
    } finally {
      h.fake.settings.nvpMaxRows = 100;
    }
  });

  it('gets the same transactions as the Reporting API', async () => {
    const range = { from: START, to: new Date(START.getTime() + 80 * DAY_MS) };
    const [nvp, rest] = await Promise.all([h.nvp().transactionSearch(range), h.client().searchTransactions(range)]);
    const view = (r: (typeof nvp)[number]) => ({ id: r.id, time: r.time.toISOString(), gross: r.gross, fee: r.fee, email: r.payerEmail });
    expect(nvp.map(view)).toEqual(rest.map(view));
  });

  it('filters by payer email and by subscription profile', async () => {
    const client = h.client();
    const sub = await client.createSubscription({
      planId: 'P-MONTHLY',
      returnUrl: 'https://u.example/r',
      cancelUrl: 'https://u.example/c',
    });
    await h.approve(sub.approveUrl!, 'pay', 'profile@example.com');
    const now = h.fake.state.now();
    const range = { from: new Date(now.getTime() - HOUR_MS), to: new Date(now.getTime() + HOUR_MS) };
    const byProfile = await h.nvp().transactionSearch({ ...range, profileId: sub.id });
    expect(byProfile).toHaveLength(1);
    expect(byProfile[0]).toMatchObject({
      payerEmail: 'profile@example.com',
      eventCode: 'Recurring Payment',
      gross: { minor: 999, currency: 'USD' },
    });
    const odd = await h.nvp().transactionSearch({ from: START, to: new Date(START.getTime() + 80 * DAY_MS), email: 'odd@example.com' });
    expect(odd).toHaveLength(15);
  });

  it('refuses wrong API credentials with the NVP error and a fix', async () => {
    const error = await paypalError(
      h.nvp({ signature: 'wrong' }).transactionSearch({ from: START, to: new Date(START.getTime() + DAY_MS) }),
    );
    expect(error).toMatchObject({ kind: 'unauthorized', paypalName: '10002', reason: 'paypal_nvp_10002' });
    expect(error.fix).toMatch(/API username, password or signature/);
  });

  it('gives up with an error rather than a partial list when one second holds too many', async () => {
    const at = '2026-06-01T00:00:00Z';
    h.fake.seedTransactions(Array.from({ length: 3 }, () => ({ time: at, amount: { currency_code: 'USD', value: '1.00' } })));
    h.fake.settings.nvpMaxRows = 2;
    try {
      const error = await paypalError(
        h.nvp().transactionSearch({ from: new Date('2026-05-31T00:00:00Z'), to: new Date('2026-06-02T00:00:00Z') }),
      );
      expect(error).toMatchObject({ paypalName: '11002' });
    } finally {
      h.fake.settings.nvpMaxRows = 100;
    }
  });
});
