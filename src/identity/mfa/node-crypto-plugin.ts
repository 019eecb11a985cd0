import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CryptoPlugin, HashAlgorithm } from 'otplib';

// otplib 13 defaults to a pure-JS crypto (noble); its node:crypto plugin is a separate
// package we do not depend on. The plugin contract is three functions, so node:crypto is
// plugged in here directly (DESIGN.md: node:crypto only).
const DIGESTS: Readonly<Record<string, HashAlgorithm>> = {
  sha1: 'sha1',
  sha256: 'sha256',
  sha512: 'sha512',
};

function digestOf(algorithm: string): HashAlgorithm {
  // The contract: match ignoring case, with an optional '-' or '_' before the size.
  const digest = DIGESTS[algorithm.toLowerCase().replace(/^sha[-_]/, 'sha')];
  if (digest === undefined) throw new Error('Unsupported HMAC algorithm for TOTP');
  return digest;
}

const bytesOf = (value: string | Uint8Array) =>
  typeof value === 'string' ? Buffer.from(value, 'utf8') : value;

/** An otplib crypto plugin backed by node:crypto: HMAC, random bytes, constant-time compare. */
export const nodeCryptoPlugin: CryptoPlugin = Object.freeze({
  name: 'node',
  algorithms: Object.freeze(Object.values(DIGESTS)),
  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
    return new Uint8Array(createHmac(digestOf(algorithm), key).update(data).digest());
  },
  randomBytes(length: number): Uint8Array {
    return new Uint8Array(randomBytes(length));
  },
  constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
    const left = bytesOf(a);
    const right = bytesOf(b);
    return left.length === right.length && timingSafeEqual(left, right);
  },
});
