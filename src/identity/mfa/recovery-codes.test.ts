// ASVS 2.6: recovery codes are random (≥ 60 bits), shown once, stored only as hashes, and
// match however the user types them.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashRecoveryCode, newRecoveryCodes, RECOVERY_CODE_BITS } from './index.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('recovery codes', () => {
  it('makes ten distinct xxxx-xxxx-xxxx codes from a base32 alphabet by default', () => {
    const { codes, hashes } = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes)
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){2}$/);
    expect(hashes).toEqual(codes.map((code) => sha256(code.replace(/-/g, ''))));
    expect(RECOVERY_CODE_BITS).toBeGreaterThanOrEqual(60);
  });

  it('makes as many as asked, and refuses silly counts', () => {
    expect(newRecoveryCodes(3).codes).toHaveLength(3);
    expect(() => newRecoveryCodes(0)).toThrow(RangeError);
    expect(() => newRecoveryCodes(1.5)).toThrow(RangeError);
  });

  it('uses every symbol of the alphabet across many codes (no stuck bits)', () => {
    const symbols = new Set(newRecoveryCodes(100).codes.join('').replace(/-/g, ''));
    expect(symbols.size).toBe(32);
  });

  it('hashes the same code the same way whatever the case, spaces and dashes', () => {
    const [code = ''] = newRecoveryCodes(1).codes;
    const expected = hashRecoveryCode(code);
    const plain = code.replace(/-/g, '');
    for (const typed of [
      code.toUpperCase(),
      plain,
      ` ${plain.slice(0, 6)} ${plain.slice(6)} `,
      code.replace(/-/g, '\u2013'),
    ]) {
      expect(hashRecoveryCode(typed)).toBe(expected);
    }
    expect(hashRecoveryCode('0011-2233-4455')).toBe(hashRecoveryCode('OO1I-2233-4455'));
    expect(hashRecoveryCode('0011-2233-4455')).not.toBe(hashRecoveryCode('0011-2233-4456'));
  });
});
