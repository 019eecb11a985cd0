// C2.5: the test provider's tokenisation endpoint — test cards of every brand become
// tokens; invalid numbers, past expiry dates, wrong security codes and unknown fields are
// refused with codes that never echo the number, and no card number reaches a log line.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brandOf, passesLuhn, TEST_CARDS } from '../../src/commerce/payments/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

let lastOctet = 0;
/** A client address of its own for each test, so the endpoint's rate limit never carries over. */
const nextIp = () => `198.51.100.${++lastOctet}`;
const NEXT_YEAR = new Date().getUTCFullYear() + 1;

const card = (number: string, overrides: Record<string, unknown> = {}) => ({
  number,
  expMonth: 12,
  expYear: NEXT_YEAR,
  cvc: number.startsWith('34') || number.startsWith('37') ? '1234' : '123',
  ...overrides,
});

function tokenise(t: TestApp, payload: Record<string, unknown>, remoteAddress = nextIp()) {
  return t.app.inject({ method: 'POST', url: '/test-payments/tokens', payload, remoteAddress });
}

/** The payload with the digit that makes it pass the Luhn check. */
function withCheckDigit(payload: string): string {
  const digit = [...'0123456789'].find((candidate) => passesLuhn(payload + candidate));
  return payload + (digit ?? '');
}

const errorOf = (response: LightMyRequestResponse) =>
  response.json<{ error: { code: string; details?: Record<string, unknown> } }>().error;

/** The number in the forms it could be echoed: as sent, digits only, and in groups. */
function forms(number: string): string[] {
  const digits = number.replace(/\D/g, '');
  return [number, digits, digits.replace(/(\d{4})(?=\d)/g, '$1 '), digits.slice(0, 12)];
}

function expectNoEcho(t: TestApp, response: LightMyRequestResponse, number: string): void {
  for (const form of forms(number)) {
    expect(response.body).not.toContain(form);
    expect(t.logs.text()).not.toContain(form);
  }
}

describeEachEngine('test payment tokens', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t.close());

  it.each([
    ['4242424242424242', 'visa'],
    ['4111 1111 1111 1111', 'visa'],
    ['5555-5555-5555-4444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['6011111111111117', 'discover'],
    ['3566002020360505', 'jcb'],
    ['36227206271667', 'diners'],
    ['6200000000000005', 'unionpay'],
  ])('C2.5: %s becomes a %s token with the last four digits only', async (number, brand) => {
    const response = await tokenise(t, card(number));
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json<{ token: string; brand: string; last4: string }>();
    const digits = number.replace(/\D/g, '');
    expect(body).toEqual({ token: expect.any(String) as string, brand, last4: digits.slice(-4) });
    expect(body.token).toMatch(/^tok_test_[A-Za-z0-9_-]+$/);
    expect(body.token.length).toBeLessThanOrEqual(80);
    // The token is opaque: neither the number nor the brand can be read from it.
    expect(body.token).not.toContain(digits.slice(-4));
    expect(Buffer.from(body.token.slice(9), 'base64url').toString('latin1')).not.toContain(brand);
    expectNoEcho(t, response, number);
  });

  it('C2.5: issues a fresh token each time, so tokens cannot be matched to each other', async () => {
    const a = await tokenise(t, card('4242424242424242'));
    const b = await tokenise(t, card('4242424242424242'));
    expect(a.json<{ token: string }>().token).not.toBe(b.json<{ token: string }>().token);
  });

  it('tokenises every documented test number, failing ones included', async () => {
    for (const number of Object.keys(TEST_CARDS)) {
      const response = await tokenise(t, card(number));
      expect(response.statusCode, number.slice(-4)).toBe(201);
    }
  });

  it.each([
    ['4242424242424241', 'luhn'],
    ['4000000000000003', 'luhn'],
    ['424242424242', 'format'],
    ['42424242424242424242', 'format'],
    ['4242 4242 4242 424X', 'format'],
    ['4242--4242-4242-4242', 'format'],
    ['', undefined],
  ])('C2.5: refuses %j without echoing it', async (number, reason) => {
    const response = await tokenise(t, card(number));
    expect(response.statusCode).toBe(400);
    const error = errorOf(response);
    if (reason === undefined) {
      expect(error.code).toBe('VALIDATION_FAILED');
    } else {
      expect(error).toMatchObject({ code: 'CARD_NUMBER_INVALID', details: { reason } });
    }
    if (number.length > 0) expectNoEcho(t, response, number);
  });

  it('C2.5: refuses a valid card number that is not a documented test number', async () => {
    // Luhn-valid, shaped like a Visa card, and on no test list.
    const valid = withCheckDigit('492912345678901');
    expect(passesLuhn(valid)).toBe(true);
    const response = await tokenise(t, card(valid));
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('CARD_NOT_TEST_NUMBER');
    expectNoEcho(t, response, valid);
  });

  it('C2.5: refuses an expired card', async () => {
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const response = await tokenise(
      t,
      card('4242424242424242', {
        expMonth: lastMonth.getUTCMonth() + 1,
        expYear: lastMonth.getUTCFullYear(),
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('CARD_EXPIRED');
    expectNoEcho(t, response, '4242424242424242');
    // A card is valid to the end of its expiry month.
    const thisMonth = await tokenise(
      t,
      card('4242424242424242', { expMonth: now.getUTCMonth() + 1, expYear: now.getUTCFullYear() }),
    );
    expect(thisMonth.statusCode).toBe(201);
  });

  it.each([
    ['4242424242424242', '1234'],
    ['378282246310005', '123'],
  ])('refuses a security code of the wrong length for the brand', async (number, cvc) => {
    const response = await tokenise(t, card(number, { cvc }));
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('CARD_CVC_INVALID');
    expect(response.body).not.toContain(cvc);
    expectNoEcho(t, response, number);
  });

  it.each([
    [{ expMonth: 13 }, 'expMonth'],
    [{ expMonth: 0 }, 'expMonth'],
    [{ expYear: 25 }, 'expYear'],
    [{ cvc: '12a' }, 'cvc'],
    [{ number: 4242424242424242 }, 'number'],
  ])('refuses malformed fields (%j) naming the path, not the value', async (overrides, path) => {
    const response = await tokenise(t, card('4242424242424242', overrides));
    expect(response.statusCode).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(error.details)).toContain(`"path":"${path}"`);
    expectNoEcho(t, response, '4242424242424242');
  });

  it('C1.1: refuses unknown fields, naming them and never echoing the card', async () => {
    const response = await tokenise(t, {
      ...card('5555555555554444'),
      name: 'Test Holder',
      cardNumber: '5555555555554444',
    });
    expect(response.statusCode).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe('UNKNOWN_FIELDS');
    expect(error.details).toMatchObject({ unknownFields: ['name', 'cardNumber'] });
    expectNoEcho(t, response, '5555555555554444');
  });

  it('is public and outside /store and /admin: a session is neither needed nor used', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/test-payments/tokens',
      payload: card('4242424242424242'),
      headers: { authorization: 'Bearer not-a-session' },
      remoteAddress: nextIp(),
    });
    expect(response.statusCode).toBe(201);
    expect(
      (await t.app.inject({ method: 'POST', url: '/store/test-payments/tokens' })).statusCode,
    ).toBe(404);
  });

  it('is rate-limited per client', async () => {
    const ip = nextIp();
    const codes: number[] = [];
    for (let i = 0; i < 61; i += 1) {
      codes.push((await tokenise(t, card('4242424242424241'), ip)).statusCode);
    }
    expect(codes.slice(0, 60).every((code) => code === 400)).toBe(true);
    expect(codes[60]).toBe(429);
    expect((await tokenise(t, card('4242424242424242'))).statusCode).toBe(201);
  });

  it('C2.5: no log line of this suite holds a card number or security code', () => {
    const text = t.logs.text();
    for (const number of [...Object.keys(TEST_CARDS), '4242424242424241']) {
      expect(text).not.toContain(number);
    }
    expect(text).not.toMatch(/"cvc":"\d/);
  });
});

describe('test payment tokens are documented', () => {
  it('lists only numbers that pass the Luhn check and have a known brand', () => {
    for (const number of Object.keys(TEST_CARDS)) {
      expect(passesLuhn(number), number).toBe(true);
      expect(brandOf(number), number).toBeDefined();
    }
  });
});
