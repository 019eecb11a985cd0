// The key redactor behind every log line: the values of declared keys are replaced at any
// depth and in any letter case, only plain objects and arrays are walked, and the caller's
// objects are never changed.
import { describe, expect, it } from 'vitest';
import { ALWAYS_REDACTED_PATHS, CARD_KEYS, REDACTED, createKeyRedactor } from './redaction.js';

const redact = createKeyRedactor(['email', 'phoneNumber', 'shipping_address']);

/** A value nested `levels` plain objects deep under `next`. */
function nested(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < levels; level += 1) value = { next: value };
  return value;
}

describe('createKeyRedactor', () => {
  it('replaces the values of declared keys and keeps the rest', () => {
    expect(redact({ email: 'a@example.test', orderId: 'ord_1', quantity: 2 })).toEqual({
      email: REDACTED,
      orderId: 'ord_1',
      quantity: 2,
    });
  });

  it('matches keys in any letter case', () => {
    expect(redact({ EMAIL: 'x', Email: 'y', PHONENUMBER: 'z', phonenumber: 'w' })).toEqual({
      EMAIL: REDACTED,
      Email: REDACTED,
      PHONENUMBER: REDACTED,
      phonenumber: REDACTED,
    });
  });

  it('replaces whole values, objects and arrays included', () => {
    expect(redact({ shipping_address: { city: 'Springfield', line1: '1 Main St' } })).toEqual({
      shipping_address: REDACTED,
    });
    expect(redact({ email: ['a@example.test', 'b@example.test'] })).toEqual({ email: REDACTED });
  });

  it('walks nested objects and arrays', () => {
    const input = {
      customer: { profile: { email: 'a@example.test', id: 'cus_1' } },
      lines: [{ email: 'b@example.test' }, [{ phoneNumber: '+1 555 0100' }], 'plain'],
    };
    expect(redact(input)).toEqual({
      customer: { profile: { email: REDACTED, id: 'cus_1' } },
      lines: [{ email: REDACTED }, [{ phoneNumber: REDACTED }], 'plain'],
    });
  });

  it('walks objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { email: 'x' });
    expect(redact({ bare })).toEqual({ bare: { email: REDACTED } });
  });

  it('redacts at every depth it walks, and drops what nests deeper instead of logging it', () => {
    for (let levels = 0; levels <= 8; levels += 1) {
      expect(redact(nested(levels, { email: 'deep@example.test' }))).toEqual(
        nested(levels, { email: REDACTED }),
      );
    }
    for (const levels of [9, 12, 40]) {
      expect(JSON.stringify(redact(nested(levels, { email: 'deep@example.test' })))).not.toContain(
        'deep@example.test',
      );
    }
    const list = { list: [[[[[[[[[{ email: 'listed@example.test' }]]]]]]]]] };
    expect(JSON.stringify(redact(list))).not.toContain('listed@example.test');
  });

  it('terminates on circular objects and writes no declared value from them', () => {
    const loop: Record<string, unknown> = { email: 'loop@example.test', id: 'cus_1' };
    loop['self'] = loop;
    const out = redact(loop) as Record<string, unknown>;
    expect(out['email']).toBe(REDACTED);
    expect(out['id']).toBe('cus_1');
    let cursor: unknown = out;
    for (let level = 0; level < 20 && typeof cursor === 'object'; level += 1) {
      expect((cursor as Record<string, unknown>)['email']).toBe(REDACTED);
      cursor = (cursor as Record<string, unknown>)['self'];
    }
    expect(cursor).toBe(REDACTED);
  });

  it('does not walk into class instances such as Errors, Maps and Dates', () => {
    class Customer {
      constructor(readonly email: string) {}
    }
    const error = Object.assign(new Error('boom'), { email: 'e@example.test' });
    const customer = new Customer('c@example.test');
    const map = new Map([['email', 'm@example.test']]);
    const date = new Date(0);
    const input = { err: error, customer, map, date };
    const out = redact(input) as typeof input;
    expect(out).toBe(input);
    expect(out.err).toBe(error);
    expect(out.customer).toBe(customer);
    expect(out.map).toBe(map);
    expect(out.date).toBe(date);
  });

  it('does not walk into objects whose prototype is not Object.prototype', () => {
    const inheriting = Object.assign(Object.create({ kind: 'request' }) as object, { email: 'x' });
    const out = redact({ req: inheriting }) as { req: unknown };
    expect(out.req).toBe(inheriting);
  });

  it('never changes its input, and returns it untouched when nothing matches', () => {
    const input = {
      email: 'a@example.test',
      nested: { phoneNumber: '+1 555 0100', keep: { id: 'cus_1' } },
      list: [{ email: 'b@example.test' }],
    };
    const before = structuredClone(input);
    const out = redact(input) as typeof input;
    expect(input).toEqual(before);
    expect(out).not.toBe(input);
    expect(out.nested.keep).toBe(input.nested.keep); // untouched branches are shared
    const clean = { orderId: 'ord_1', customer: { id: 'cus_1' } };
    expect(redact(clean)).toBe(clean);
  });

  it('passes primitives through, and redacts only card keys when no keys are declared', () => {
    for (const value of ['text', 42, true, null, undefined]) expect(redact(value)).toBe(value);
    const none = createKeyRedactor([]);
    const input = { email: 'a@example.test' };
    expect(none(input)).toBe(input);
  });

  it('C2.5: always redacts card numbers and security codes, at any depth and in any case', () => {
    const card = { number: '4242424242424242', cvc: '123', expMonth: 12 };
    for (const redactor of [createKeyRedactor([]), redact]) {
      const out = JSON.stringify(
        redactor({ card, body: { payment: { CardNumber: '5555555555554444', CVV: '999' } } }),
      );
      expect(out).not.toContain('4242424242424242');
      expect(out).not.toContain('5555555555554444');
      expect(out).not.toMatch(/"(123|999)"/);
      expect(out).toContain('"expMonth":12');
    }
    for (const key of ['number', 'cvc', 'cardNumber']) {
      expect(CARD_KEYS).toContain(key);
      expect(ALWAYS_REDACTED_PATHS).toContain(key);
      expect(ALWAYS_REDACTED_PATHS).toContain(`*.${key}`);
    }
  });
});
