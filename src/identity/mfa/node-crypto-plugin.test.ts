// The otplib plugin really is node:crypto: HMACs equal createHmac's, comparison is exact.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeCryptoPlugin } from './node-crypto-plugin.js';

describe('nodeCryptoPlugin', () => {
  const key = new Uint8Array(Buffer.from('12345678901234567890'));
  const data = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1]);

  it('computes HMACs as node:crypto does, for every spelling of the algorithm', async () => {
    const expected = createHmac('sha1', key).update(data).digest();
    for (const name of ['sha1', 'SHA1', 'SHA-1', 'sha_1'] as const) {
      const mac = await nodeCryptoPlugin.hmac(name as 'sha1', key, data);
      expect(Buffer.from(mac)).toEqual(expected);
    }
    const sha512 = await nodeCryptoPlugin.hmac('sha512', key, data);
    expect(Buffer.from(sha512)).toEqual(createHmac('sha512', key).update(data).digest());
  });

  it('refuses an algorithm it does not know', () => {
    expect(() => nodeCryptoPlugin.hmac('md5' as 'sha1', key, data)).toThrow();
  });

  it('gives random bytes of the asked length', () => {
    const a = nodeCryptoPlugin.randomBytes(20);
    expect(a).toHaveLength(20);
    expect(Buffer.from(a)).not.toEqual(Buffer.from(nodeCryptoPlugin.randomBytes(20)));
  });

  it('compares strings and bytes exactly, lengths included', () => {
    expect(nodeCryptoPlugin.constantTimeEqual('123456', '123456')).toBe(true);
    expect(nodeCryptoPlugin.constantTimeEqual('123456', '123457')).toBe(false);
    expect(nodeCryptoPlugin.constantTimeEqual('123456', '1234567')).toBe(false);
    expect(nodeCryptoPlugin.constantTimeEqual(new Uint8Array([1]), new Uint8Array([1]))).toBe(true);
  });
});
