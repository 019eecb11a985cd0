// Ids are type-prefixed, 26 Crockford base32 characters, and recognised only with their own
// prefix. `newId` begins with the creation time (48 bits, ten symbols) and ends with 80
// random bits; `newSecretId` is 130 random bits.
import { describe, expect, it } from 'vitest';
import { isId, looksLikeId, newId, newSecretId } from './ids.js';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** The millisecond time in the first ten symbols of an id's body. */
const timeOf = (id: string) =>
  [...id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11)].reduce(
    (time, symbol) => time * 32 + CROCKFORD.indexOf(symbol),
    0,
  );

/** Asserts that `draws` use every symbol in each of `positions`. */
function expectEverySymbol(draws: readonly string[], positions: Iterable<number>): void {
  // 5000 draws leave a given symbol unseen in a given position with probability ~1e-69.
  for (const position of positions) {
    const seen = new Set(draws.map((body) => body[position]));
    expect([...seen].sort().join(''), `position ${position}`).toBe(CROCKFORD);
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe.each([
  ['newId', (prefix: string) => newId(prefix)],
  ['newSecretId', newSecretId],
])('%s', (_name, make) => {
  it('is the prefix, an underscore and 26 Crockford base32 characters', () => {
    for (const prefix of ['cus', 'ord', 'pay', 'shp', 'tkt', 'sub', 'crt']) {
      expect(make(prefix)).toMatch(new RegExp(`^${prefix}_[${CROCKFORD}]{26}$`));
      expect(isId(make(prefix), prefix)).toBe(true);
    }
  });

  it('never uses the letters i, l, o or u, and does not repeat', () => {
    const ids = Array.from({ length: 5000 }, () => make('ord').slice(4));
    expect(ids.join('')).not.toMatch(/[ilou]/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('newId', () => {
  it('begins with its creation time, so ids made later sort later', () => {
    const times = [0, 1, 31, 32, 1_764_000_000_000, 1_764_000_000_001, 2 ** 48 - 1];
    const ids = times.map((time) => newId('ord', time));
    expect(ids.map(timeOf)).toEqual(times);
    expect([...ids].sort()).toEqual(ids);
    const before = Date.now();
    const id = newId('ord');
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThanOrEqual(Date.now());
  });

  it('ends with 80 random bits: ids of one millisecond differ, in every random symbol', () => {
    const ids = Array.from({ length: 5000 }, () => newId('evt', 1_764_000_000_000).slice(4));
    expect(new Set(ids.map((body) => body.slice(0, 10))).size).toBe(1);
    expect(new Set(ids).size).toBe(ids.length);
    expectEverySymbol(ids, range(10, 26));
  });
});

describe('newSecretId', () => {
  it('is random in every symbol: it carries no time', () => {
    const ids = Array.from({ length: 5000 }, () => newSecretId('crt').slice(4));
    expectEverySymbol(ids, range(0, 26));
  });
});

describe('isId', () => {
  it('accepts a fresh id with its own prefix only', () => {
    const id = newId('cus');
    expect(isId(id, 'cus')).toBe(true);
    expect(isId(id, 'ord')).toBe(false);
    expect(isId(id, 'cu')).toBe(false);
  });

  it.each([
    ['too short', `cus_${'a'.repeat(25)}`],
    ['too long', `cus_${'a'.repeat(27)}`],
    ['upper case', `cus_${'A'.repeat(26)}`],
    ['a letter outside the alphabet', `cus_${'a'.repeat(25)}u`],
    ['no underscore', `cus${'a'.repeat(26)}`],
    ['surrounding text', ` cus_${'a'.repeat(26)}`],
    ['a trailing newline', `cus_${'a'.repeat(26)}\n`],
    ['empty', ''],
  ])('refuses %s', (_what, value) => {
    expect(isId(value, 'cus')).toBe(false);
  });
});

describe('looksLikeId', () => {
  it('accepts an id of any prefix the shop makes', () => {
    for (const prefix of ['re', 'cus', 'auth']) expect(looksLikeId(newId(prefix))).toBe(true);
  });

  it.each([
    ['text with an @', `cus_${'a'.repeat(21)}@x.te`],
    ['no prefix', `_${'a'.repeat(26)}`],
    ['a digit in the prefix', `cu5_${'a'.repeat(26)}`],
    ['a letter outside the alphabet', `cus_${'a'.repeat(25)}l`],
    ['surrounding text', `cus_${'a'.repeat(26)} `],
  ])('refuses %s', (_what, value) => {
    expect(looksLikeId(value)).toBe(false);
  });
});
