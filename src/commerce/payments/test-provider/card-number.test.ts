// Card-number rules of the test provider: the Luhn check, the shapes people type, brands.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brandOf, normaliseCardNumber, passesLuhn } from './card-number.js';
import { TEST_CARDS } from './test-cards.js';

/** The payload with the one digit that makes it pass the Luhn check. */
const withCheckDigit = (payload: string) =>
  payload + ([...'0123456789'].find((digit) => passesLuhn(payload + digit)) ?? '');

describe('card numbers', () => {
  it('passes exactly one check digit per payload, and catches any single changed digit', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{12,18}$/),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (payload, at, delta) => {
          const valid = withCheckDigit(payload);
          expect([...'0123456789'].filter((d) => passesLuhn(payload + d))).toHaveLength(1);
          const index = at % valid.length;
          const changed = (Number(valid[index]) + delta) % 10;
          const altered = `${valid.slice(0, index)}${changed}${valid.slice(index + 1)}`;
          expect(passesLuhn(altered)).toBe(false);
        },
      ),
    );
    expect(passesLuhn('4242 4242 4242 4242')).toBe(false);
    expect(passesLuhn('')).toBe(false);
  });

  it('reads digits in groups separated by single spaces or dashes, 13 to 19 of them', () => {
    expect(normaliseCardNumber('4242 4242 4242 4242')).toBe('4242424242424242');
    expect(normaliseCardNumber('3782-822463-10005')).toBe('378282246310005');
    for (const bad of [
      '4242  4242 4242 4242',
      ' 4242424242424242',
      '4242-',
      '4242.4242.4242.4242',
      '４２４２４２４２４２４２４２４２',
      '424242424242',
      '42424242424242424242',
    ]) {
      expect(normaliseCardNumber(bad), bad).toBeUndefined();
    }
  });

  it('names the brand of every documented test number, and none of an unknown prefix', () => {
    const brands = Object.keys(TEST_CARDS).map((number) => brandOf(number));
    expect(new Set(brands)).toEqual(
      new Set(['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay']),
    );
    expect(brandOf('9999999999999995')).toBeUndefined();
    expect(brandOf('4242424242424')).toBe('visa');
    expect(brandOf('37828224631000')).toBeUndefined(); // amex has 15 digits
  });
});
