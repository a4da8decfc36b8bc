import { startPlisioFake, type PlisioFake } from '@usher/fakes';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { addMember, configure, eventRows, paymentsOf, startCheckout, startWebhookUsher, type WebhookUsher } from './support/webhooks.js';

/** Plisio callbacks: one event per (txn_id, status); completed and mismatch pay, expired closes the checkout. */
describeEachDb('Plisio callbacks', (dialect) => {
  const track = trackDisposables();
  let plisio: PlisioFake;
  let w: WebhookUsher;

  beforeAll(async () => {
    plisio = await startPlisioFake();
    w = await startWebhookUsher(dialect, { PLISIO_API_URL: plisio.url });
    track(w.usher);
    // The invoice's callback_url is the public site URL; the fake sends to this test's Usher instead.
    plisio.callbacks.configure({ url: `${w.url}/api/webhooks/plisio?json=true` });
    await configure(w.usher, 'plisio', {}, { secretKey: plisio.secretKey });
  });
  afterAll(() => plisio.close());

  beforeEach(async () => {
    await plisio.callbacks.idle();
    plisio.callbacks.configure({ hold: false });
    plisio.callbacks.corrupt('hash', 0);
  });

  const delivered = async (txnId: string, status: Parameters<PlisioFake['setStatus']>[1]) => {
    plisio.setStatus(txnId, status);
    await plisio.callbacks.idle();
  };

  it('completed pays once, even when the callback comes twice; the amount is the fiat source amount in minor units', async () => {
    const memberId = await addMember(w.usher, 'btc@example.com');
    const { checkout, externalId } = await startCheckout(w, 'plisio', memberId, { mode: 'one_off', amountMinor: 1250 });
    await delivered(externalId, 'pending');
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(0);
    await delivered(externalId, 'completed');
    const completed = plisio.callbacks.deliveries.filter((d) => d.txnId === externalId && d.status === 'completed').at(-1)!;
    plisio.callbacks.replay(completed.id, 3);
    await plisio.callbacks.idle();
    const payments = await paymentsOf(w.usher, memberId);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ amountMinor: 1250, currency: 'USD', gateway: 'plisio', transactionId: externalId });
    expect((await w.usher.container.checkoutsRepo.byId(checkout.id))!.status).toBe('paid');
    const rows = (await eventRows(w.usher)).filter((r) => r.event_id.startsWith(`${externalId}:`));
    expect(rows.map((r) => [r.event_id, r.status])).toEqual([
      [`${externalId}:pending`, 'ignored'],
      [`${externalId}:completed`, 'applied'],
    ]);
  });

  it('mismatch (an overpayment) pays; a later completed for the same invoice records nothing more', async () => {
    const memberId = await addMember(w.usher, 'over@example.com');
    const { externalId } = await startCheckout(w, 'plisio', memberId, { mode: 'one_off' });
    await delivered(externalId, 'mismatch');
    await delivered(externalId, 'completed');
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(1);
  });

  it('expired closes the checkout without a payment, and a late expired does not undo a paid one', async () => {
    const memberId = await addMember(w.usher, 'slow@example.com');
    const { checkout, externalId } = await startCheckout(w, 'plisio', memberId, { mode: 'one_off' });
    await delivered(externalId, 'expired');
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(0);
    expect((await w.usher.container.checkoutsRepo.byId(checkout.id))!.status).toBe('expired');

    const paid = await startCheckout(w, 'plisio', memberId, { mode: 'one_off' });
    await delivered(paid.externalId, 'completed');
    await delivered(paid.externalId, 'expired');
    expect((await w.usher.container.checkoutsRepo.byId(paid.checkout.id))!.status).toBe('paid');
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(1);
  });

  it('a callback with a wrong verify_hash is refused and records nothing', async () => {
    const before = (await eventRows(w.usher)).length;
    const memberId = await addMember(w.usher, 'fake@example.com');
    const { externalId } = await startCheckout(w, 'plisio', memberId, { mode: 'one_off' });
    plisio.callbacks.corrupt('hash', 1);
    await delivered(externalId, 'completed');
    expect(plisio.callbacks.deliveries.at(-1)!.state).toBe('failed');
    expect(await paymentsOf(w.usher, memberId)).toHaveLength(0);
    expect(await eventRows(w.usher)).toHaveLength(before);
  });
});
