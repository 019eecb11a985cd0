// Outbox payloads carry ids and codes, never personal data (C2.1: ciphertext wherever data rests).
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors/index.js';
import { PayloadGuard, type OutboxPayload } from './outbox-payload.js';

function refusal(guard: PayloadGuard, payload: unknown): unknown {
  try {
    guard.check(payload as OutboxPayload);
  } catch (error) {
    if (isAppError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  return undefined;
}

describe('outbox payload guard (C2.1)', () => {
  const guard = new PayloadGuard(['contactEmail', 'shipping_address', 'reason']);

  it('accepts ids, codes, counts, flags and null', () => {
    expect(
      refusal(guard, {
        orderId: 'ord_01',
        status: 'paid',
        amountMinor: 1999,
        at: 1767225600000,
        atText: '1767225600000',
        resend: false,
        ticketId: null,
      }),
    ).toBeUndefined();
  });

  it.each([
    'email',
    'Email',
    'name',
    'phone',
    'address',
    'contactEmail',
    'contact_email',
    'shippingAddress',
    'shipping_address',
    'reason',
    'recipientEmail',
    'displayName',
    'billing_address',
    'cvc',
    'cardNumber',
  ])('refuses the personal key %s, naming the key only', (key) => {
    expect(refusal(guard, { orderId: 'ord_01', [key]: 'x' })).toEqual({
      code: 'OUTBOX_PAYLOAD_REFUSED',
      details: { key, reason: 'personal_key' },
    });
  });

  it('refuses a value that looks like an email address, without repeating it', () => {
    const found = refusal(guard, { ref: 'ada.lovelace@example.test' });
    expect(found).toEqual({
      code: 'OUTBOX_PAYLOAD_REFUSED',
      details: { key: 'ref', reason: 'email_like' },
    });
    expect(JSON.stringify(found)).not.toContain('lovelace');
  });

  it.each(['4242424242424242', '4242 4242 4242 4242', '5555-5555-5555-4444'])(
    'refuses a card number %s',
    (value) => {
      expect(refusal(guard, { ref: value })).toMatchObject({
        details: { key: 'ref', reason: 'card_number_like' },
      });
    },
  );

  it('refuses nested values, long free text and odd keys', () => {
    expect(refusal(guard, { orderId: { id: 'x' } })).toMatchObject({
      details: { reason: 'not_a_scalar' },
    });
    expect(refusal(guard, { orderId: ['x'] })).toMatchObject({
      details: { reason: 'not_a_scalar' },
    });
    expect(refusal(guard, { note: 'x'.repeat(257) })).toMatchObject({
      details: { reason: 'too_long' },
    });
    // The key itself could hold the data: it is not echoed.
    expect(refusal(guard, { 'ada@example.test': 1 })).toEqual({
      code: 'OUTBOX_PAYLOAD_REFUSED',
      details: { key: '', reason: 'key_shape' },
    });
    expect(refusal(guard, [])).toMatchObject({ details: { reason: 'not_an_object' } });
  });
});
