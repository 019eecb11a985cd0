// Ids are type-prefixed, 26 Crockford base32 characters (130 random bits), and recognised
// only with their own prefix.
import { describe, expect, it } from 'vitest';
import { isId, looksLikeId, newId } from './ids.js';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

describe('newId', () => {
  it('is the prefix, an underscore and 26 Crockford base32 characters', () => {
    for (const prefix of ['cus', 'ord', 'pay', 'shp', 'tkt', 'sub']) {
      expect(newId(prefix)).toMatch(new RegExp(`^${prefix}_[${CROCKFORD}]{26}$`));
    }
  });

  it('never uses the letters i, l, o or u', () => {
    const text = Array.from({ length: 500 }, () => newId('ord').slice(4)).join('');
    expect(text).not.toMatch(/[ilou]/);
  });

  it('does not repeat, and uses every symbol in every position', () => {
    const ids = Array.from({ length: 5000 }, () => newId('evt').slice(4));
    expect(new Set(ids).size).toBe(ids.length);
    // 5000 draws leave a given symbol unseen in a given position with probability ~1e-69.
    for (let position = 0; position < 26; position += 1) {
      const seen = new Set(ids.map((id) => id[position]));
      expect([...seen].sort().join(''), `position ${position}`).toBe(CROCKFORD);
    }
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
