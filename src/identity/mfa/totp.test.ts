// ASVS 2.8: RFC 6238 TOTP (SHA-1, 6 digits, 30 s) with ±1 step for drift and no replay of
// a step already used. All times are fixed.
import { describe, expect, it } from 'vitest';
import { currentTotp, newTotpSecret, totpStep, totpUri, verifyTotp } from './index.js';

// RFC 6238 appendix B: the ASCII secret "12345678901234567890", base32-encoded.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const at = (seconds: number) => new Date(seconds * 1000);
const T0 = at(1_767_225_600); // 2026-01-01T00:00:00Z, a step boundary

describe('TOTP', () => {
  it('reproduces the RFC 6238 SHA-1 test vectors (last six digits)', () => {
    const vectors: [number, string][] = [
      [59, '287082'],
      [1_111_111_109, '081804'],
      [1_111_111_111, '050471'],
      [1_234_567_890, '005924'],
      [2_000_000_000, '279037'],
      [20_000_000_000, '353130'],
    ];
    for (const [seconds, code] of vectors) expect(currentTotp(RFC_SECRET, at(seconds))).toBe(code);
  });

  it('makes 160-bit base32 secrets, different each time', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 32 base32 symbols = 160 bits
    expect(newTotpSecret()).not.toBe(secret);
  });

  it('writes an otpauth URI with issuer, label and the standard parameters', () => {
    const uri = new URL(
      totpUri({ secret: RFC_SECRET, label: 'shopper@example.test', issuer: 'Custodia Shop' }),
    );
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Custodia Shop:shopper@example.test');
    expect(uri.searchParams.get('secret')).toBe(RFC_SECRET);
    expect(uri.searchParams.get('issuer')).toBe('Custodia Shop');
    for (const [name, value] of [
      ['algorithm', 'SHA1'],
      ['digits', '6'],
      ['period', '30'],
    ] as const) {
      expect([null, value]).toContain(uri.searchParams.get(name));
    }
  });

  it('accepts the current code and returns its step', () => {
    const code = currentTotp(RFC_SECRET, T0);
    expect(verifyTotp(RFC_SECRET, code, { at: T0, lastUsedStep: null })).toEqual({
      ok: true,
      step: totpStep(T0),
    });
  });

  it('accepts one step either side and nothing further', () => {
    const step = totpStep(T0);
    const check = { at: T0, lastUsedStep: null };
    const codeAt = (offset: number) => currentTotp(RFC_SECRET, at((step + offset) * 30));
    expect(verifyTotp(RFC_SECRET, codeAt(-1), check)).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(RFC_SECRET, codeAt(1), check)).toEqual({ ok: true, step: step + 1 });
    expect(verifyTotp(RFC_SECRET, codeAt(-2), check)).toEqual({ ok: false });
    expect(verifyTotp(RFC_SECRET, codeAt(2), check)).toEqual({ ok: false });
  });

  it('refuses a code whose step was already used, and any earlier one', () => {
    const code = currentTotp(RFC_SECRET, T0);
    const first = verifyTotp(RFC_SECRET, code, { at: T0, lastUsedStep: null });
    if (!first.ok) throw new Error('the first use must succeed');
    const later = at(T0.getTime() / 1000 + 10);
    expect(verifyTotp(RFC_SECRET, code, { at: later, lastUsedStep: first.step })).toEqual({
      ok: false,
    });
    const previous = currentTotp(RFC_SECRET, at(T0.getTime() / 1000 - 30));
    expect(verifyTotp(RFC_SECRET, previous, { at: later, lastUsedStep: first.step })).toEqual({
      ok: false,
    });
    // The next step's code is still good.
    const next = at(T0.getTime() / 1000 + 30);
    expect(
      verifyTotp(RFC_SECRET, currentTotp(RFC_SECRET, next), { at: next, lastUsedStep: first.step }),
    ).toEqual({ ok: true, step: first.step + 1 });
  });

  it('refuses everything when the last used step is ahead of the whole window', () => {
    const code = currentTotp(RFC_SECRET, T0);
    expect(verifyTotp(RFC_SECRET, code, { at: T0, lastUsedStep: totpStep(T0) + 5 })).toEqual({
      ok: false,
    });
  });

  it('accepts a code typed with a space and refuses malformed or wrong codes', () => {
    const code = currentTotp(RFC_SECRET, T0);
    const check = { at: T0, lastUsedStep: null };
    expect(verifyTotp(RFC_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, check).ok).toBe(true);
    for (const bad of ['', '12345', '1234567', 'abcdef', `${code}0`]) {
      expect(verifyTotp(RFC_SECRET, bad, check)).toEqual({ ok: false });
    }
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(verifyTotp(RFC_SECRET, wrong, check)).toEqual({ ok: false });
  });

  it('refuses a code made from another secret', () => {
    const code = currentTotp('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', T0);
    expect(verifyTotp(RFC_SECRET, code, { at: T0, lastUsedStep: null })).toEqual({ ok: false });
  });

  it('throws on a nonsensical last used step (a caller bug, not a user error)', () => {
    const code = currentTotp(RFC_SECRET, T0);
    expect(() => verifyTotp(RFC_SECRET, code, { at: T0, lastUsedStep: -1 })).toThrow(RangeError);
    expect(() => verifyTotp(RFC_SECRET, code, { at: T0, lastUsedStep: 1.5 })).toThrow(RangeError);
  });
});
