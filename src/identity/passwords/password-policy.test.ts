// ASVS 2.1.1–2.1.9: length counted in code points after NFC, any Unicode, no composition
// rules, the most common passwords refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPassword, passwordLength, PASSWORD_POLICY } from './index.js';

// Synthetic passwords of an exact length in code points, built from a varied alphabet.
const of = (length: number, unit = 'k') => unit.repeat(length);

describe('checkPassword', () => {
  it('sets the limits at 12 and 128 code points', () => {
    expect(PASSWORD_POLICY).toEqual({ minLength: 12, maxLength: 128 });
  });

  it('refuses 11 code points, accepts 12 and 128, refuses 129', () => {
    expect(checkPassword(of(11))).toEqual({ ok: false, reason: 'too_short' });
    expect(checkPassword(of(12))).toEqual({ ok: true });
    expect(checkPassword(of(128))).toEqual({ ok: true });
    expect(checkPassword(of(129))).toEqual({ ok: false, reason: 'too_long' });
  });

  it('counts an emoji outside the BMP as one character, not two UTF-16 units', () => {
    const eleven = `${'🔑'.repeat(6)}${of(5)}`;
    expect(eleven.length).toBe(17);
    expect(passwordLength(eleven)).toBe(11);
    expect(checkPassword(eleven)).toEqual({ ok: false, reason: 'too_short' });
    expect(checkPassword(`${eleven}🗝`)).toEqual({ ok: true });
    expect(checkPassword('🔑'.repeat(128))).toEqual({ ok: true });
    expect(checkPassword('🔑'.repeat(129))).toEqual({ ok: false, reason: 'too_long' });
  });

  it('counts after NFC, so a decomposed accent is one character', () => {
    const decomposed = 'e\u0301'.repeat(12); // 24 code points before NFC, 12 after
    expect(passwordLength(decomposed)).toBe(12);
    expect(checkPassword(decomposed)).toEqual({ ok: true });
    expect(checkPassword('e\u0301'.repeat(11))).toEqual({ ok: false, reason: 'too_short' });
  });

  it('accepts any Unicode and imposes no composition rules', () => {
    expect(checkPassword('correct horse battery')).toEqual({ ok: true });
    expect(checkPassword('пароль для магазина')).toEqual({ ok: true });
    expect(checkPassword('ありがとうございました')).toEqual({ ok: false, reason: 'too_short' });
    expect(checkPassword('ありがとうございました。')).toEqual({ ok: true });
  });

  it('refuses a common password of acceptable length, in any letter case', () => {
    for (const common of ['qwertyqwerty', '123qweasdzxc', 'QwertyQwerty', '1QAZ2WSX3EDC']) {
      expect(checkPassword(common)).toEqual({ ok: false, reason: 'too_common' });
    }
  });

  it('reports length before commonness', () => {
    expect(checkPassword('password')).toEqual({ ok: false, reason: 'too_short' });
  });

  it('agrees with the code-point count for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 160 }), (password) => {
        const length = Array.from(password.normalize('NFC')).length;
        const verdict = checkPassword(password);
        if (length < 12) expect(verdict).toEqual({ ok: false, reason: 'too_short' });
        else if (length > 128) expect(verdict).toEqual({ ok: false, reason: 'too_long' });
        else expect(verdict.ok || verdict.reason === 'too_common').toBe(true);
      }),
    );
  });
});
