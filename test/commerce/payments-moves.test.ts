// C3.3: a payment's moves after it is recorded (capture, void) are audited in the
// transaction that makes them, with ids and amounts only, and once: a move that changes
// nothing records nothing. The provider runs requests with one new idempotency key that
// arrive together once.
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/platform/db/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { key, usePaymentsWorld } from './payments-world.js';

describeEachEngine('payment moves', (engine) => {
  const world = usePaymentsWorld(engine);
  const { paidWith, tokenFor } = world;

  /** The audit events of one subject with one action, oldest first. */
  const eventsOf = (subjectId: string, action: string) =>
    tablesOf<AuditTables>(world.t.database.db)
      .selectFrom('audit_events')
      .selectAll()
      .where('subject_id', '=', subjectId)
      .where('action', '=', action)
      .orderBy('id')
      .execute();

  /** The subject's one event with the action, its detail parsed; fails unless one. */
  async function onlyEvent(subjectId: string, action: string) {
    const events = await eventsOf(subjectId, action);
    expect(events).toHaveLength(1);
    return { row: events[0], detail: JSON.parse(events[0]?.detail ?? 'null') as unknown };
  }

  it('audits a capture with the caller, its request and amounts, once', async () => {
    const paid = await paidWith('4242424242424242', 4100);
    const actor = { kind: 'system', name: 'checkout' } as const;
    const answer = await world.payments.capture(paid.paymentId, undefined, {
      actor,
      requestId: 'req_capture',
    });
    expect(answer).toEqual({ ok: true, andThen: 'none' });
    // Captured already: the provider replays, the payment does not move, nothing is added.
    expect(await world.payments.capture(paid.paymentId)).toEqual({ ok: true, andThen: 'none' });
    const event = await onlyEvent(paid.subjectId, 'payment.capture');
    expect(event.row).toMatchObject({
      actor_id: 'system:checkout',
      actor_role: 'system',
      purpose: 'payment',
      decision: 'none',
      outcome: 'success',
      request_id: 'req_capture',
      categories: '[]',
    });
    expect(event.detail).toEqual({
      paymentId: paid.paymentId,
      amountMinor: 4100,
      provider: 'test',
    });
  });

  it('records a capture alone, with its one event, when the change that goes with it fails', async () => {
    const paid = await paidWith('4242424242424242', 900);
    const answer = await world.payments.capture(paid.paymentId, () =>
      Promise.reject(new Error('the order could not be marked paid')),
    );
    // The capture is recorded alone afterwards, with its own event.
    expect(answer).toEqual({ ok: true, andThen: 'failed' });
    expect(await world.paymentOf(paid.paymentId)).toMatchObject({ status: 'captured' });
    expect(await eventsOf(paid.subjectId, 'payment.capture')).toHaveLength(1);
  });

  it('audits the void of a recorded payment, and nothing for a void that changes nothing', async () => {
    const paid = await paidWith('5555555555554444', 2000);
    const voidKey = key('void');
    await world.payments.voidAuthorisation(paid.authorisationId, voidKey, {
      requestId: 'req_void',
    });
    await world.payments.voidAuthorisation(paid.authorisationId, voidKey);
    expect(await world.paymentOf(paid.paymentId)).toMatchObject({ status: 'voided' });
    const event = await onlyEvent(paid.subjectId, 'payment.void');
    expect(event.row).toMatchObject({
      actor_id: 'system:payments',
      purpose: 'payment',
      request_id: 'req_void',
    });
    expect(event.detail).toEqual({
      paymentId: paid.paymentId,
      amountMinor: 2000,
      provider: 'test',
    });
  });

  it('runs requests with one new key that arrive together once: authorise, capture, refund', async () => {
    const together = <T>(call: () => Promise<T>) =>
      Promise.all(Array.from({ length: 8 }, () => call()));
    const before = await world.authorisations();
    const input = {
      token: await tokenFor('4242424242424242'),
      amountMinor: 2500,
      currency: 'EUR',
      idempotencyKey: key('auth'),
    };
    const authorised = await together(() => world.payments.authorise(input));
    expect(authorised[0]?.ok).toBe(true);
    for (const answer of authorised) expect(answer).toEqual(authorised[0]);
    expect(await world.authorisations()).toBe(before + 1);

    const { authorisationId } = await paidWith('4242424242424242', 6000);
    const capture = { authorisationId, amountMinor: 6000, idempotencyKey: key('capture') };
    for (const answer of await together(() => world.payments.provider.capture(capture))) {
      expect(answer).toEqual({ ok: true });
    }
    expect(
      await world.payments.provider.capture({ ...capture, idempotencyKey: key('capture') }),
    ).toEqual({ ok: false, reason: 'already_captured' });

    const { paymentId } = await paidWith('4242424242424242', 6000);
    expect(await world.payments.capture(paymentId)).toEqual({ ok: true, andThen: 'none' });
    const refundKey = key('refund');
    const refunds = await together(() => world.payments.refund(paymentId, 1000, refundKey));
    expect(refunds[0]?.ok).toBe(true);
    for (const answer of refunds) expect(answer).toEqual(refunds[0]);
    // Refunded once, not eight times.
    expect(await world.payments.refund(paymentId, 5000, key('refund'))).toMatchObject({ ok: true });
    expect(await world.payments.refund(paymentId, 1, key('refund'))).toEqual({
      ok: false,
      reason: 'exceeds_captured',
    });
  });
});
