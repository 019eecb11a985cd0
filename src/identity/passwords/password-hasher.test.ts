// ASVS 2.4.1: Argon2id at or above OWASP's minimum, parameters in the encoded hash;
// malformed hashes and unknown accounts answer false.
import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { ARGON2_MINIMUM, PasswordHasher } from './index.js';

const hasher = new PasswordHasher();
const PASSWORD = 'synthetic-🔑-passphrase';

/** Parameters written in a PHC string, read by hand rather than by the library under test. */
function phcParams(encoded: string): Record<string, string | number> {
  const [, algorithm, version, params] = encoded.split('$');
  const pairs = (params ?? '').split(',').map((pair) => pair.split('='));
  return {
    algorithm: algorithm ?? '',
    version: version ?? '',
    ...Object.fromEntries(pairs.map(([k, v]) => [k ?? '', Number(v)])),
  };
}

describe('PasswordHasher', () => {
  it('encodes Argon2id v1.3 with parameters at or above the OWASP minimum', async () => {
    const encoded = await hasher.hash(PASSWORD);
    const params = phcParams(encoded);
    expect(params).toMatchObject({ algorithm: 'argon2id', version: 'v=19' });
    expect(params['m']).toBeGreaterThanOrEqual(19_456);
    expect(params['t']).toBeGreaterThanOrEqual(2);
    expect(params['p']).toBe(1);
    expect(encoded).not.toContain(PASSWORD);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash(PASSWORD)).not.toBe(await hasher.hash(PASSWORD));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const encoded = await hasher.hash(PASSWORD);
    expect(await hasher.verify(encoded, PASSWORD)).toBe(true);
    expect(await hasher.verify(encoded, 'synthetic-🔑-passphrasE')).toBe(false);
    expect(await hasher.verify(encoded, '')).toBe(false);
  });

  it('verifies a password typed in another Unicode normal form', async () => {
    const encoded = await hasher.hash('caf\u00e9 au lait, s\u2019il vous pla\u00eet');
    expect(await hasher.verify(encoded, 'cafe\u0301 au lait, s\u2019il vous plai\u0302t')).toBe(
      true,
    );
  });

  it('answers false, never throws, for a malformed stored hash', async () => {
    const encoded = await hasher.hash(PASSWORD);
    for (const bad of ['', 'garbage', '$argon2id$v=19$m=1,t=1,p=1$xx', encoded.slice(0, -10)]) {
      await expect(hasher.verify(bad, PASSWORD)).resolves.toBe(false);
    }
  });

  it('answers false against the dummy hash, whatever the password', async () => {
    await expect(hasher.verifyAgainstDummy(PASSWORD)).resolves.toBe(false);
    await expect(hasher.verifyAgainstDummy('')).resolves.toBe(false);
  });

  it('refuses parameters below the minimum and accepts higher ones', async () => {
    expect(() => new PasswordHasher({ memoryCost: 19_455 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ timeCost: 1 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ parallelism: 0 })).toThrow(RangeError);
    expect(() => new PasswordHasher({ timeCost: 2.5 })).toThrow(RangeError);
    const stronger = new PasswordHasher({ memoryCost: 24_576, timeCost: 3 });
    const encoded = await stronger.hash(PASSWORD);
    expect(parseOptions(encoded)).toMatchObject({ memoryCost: 24_576, timeCost: 3 });
    await expect(stronger.verifyAgainstDummy(PASSWORD)).resolves.toBe(false);
  });

  it('asks for a rehash when stored parameters are below the current ones', async () => {
    const old = await hasher.hash(PASSWORD);
    const stronger = new PasswordHasher({ memoryCost: ARGON2_MINIMUM.memoryCost * 2 });
    expect(hasher.needsRehash(old)).toBe(false);
    expect(stronger.needsRehash(old)).toBe(true);
    expect(stronger.needsRehash(await stronger.hash(PASSWORD))).toBe(false);
    // An old hash still verifies after the parameters were raised.
    expect(await stronger.verify(old, PASSWORD)).toBe(true);
    expect(hasher.needsRehash('garbage')).toBe(true);
  });

  it('asks for a rehash of a hash made with another Argon2 variant', () => {
    const argon2i =
      '$argon2i$v=19$m=19456,t=2,p=1$2uBTLeqZm/5bSuMq7lEJXg$LVVSi3zFZYmtRYgWer3NRiUG345HPpOt/AGR1D5rcVA';
    expect(hasher.needsRehash(argon2i)).toBe(true);
  });
});
