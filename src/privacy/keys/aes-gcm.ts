import { createCipheriv, createDecipheriv } from 'node:crypto';
import { pooledRandomBytes } from '../../platform/random-pool.js';

/** Bytes of the random nonce (96 bits, as NIST SP 800-38D recommends for GCM). */
export const NONCE_BYTES = 12;
/** Bytes of the authentication tag. */
export const TAG_BYTES = 16;

/** A fresh 96-bit random nonce, used once. */
const freshNonce = () => pooledRandomBytes(NONCE_BYTES);

/** AES-256-GCM encryption to `nonce ‖ ciphertext ‖ tag`, after an optional header. */
export function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer, header?: Buffer): Buffer {
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const final = cipher.final();
  const tag = cipher.getAuthTag();
  const parts =
    header === undefined ? [nonce, body, final, tag] : [header, nonce, body, final, tag];
  return Buffer.concat(parts);
}

/**
 * Decrypts what gcmSeal produced, starting at `offset` (after the header). Returns
 * undefined when authentication fails: a tampered, moved or wrongly keyed value.
 */
export function gcmOpen(key: Buffer, sealed: Buffer, aad: Buffer, offset = 0): Buffer | undefined {
  if (sealed.length < offset + NONCE_BYTES + TAG_BYTES) return undefined;
  const nonce = sealed.subarray(offset, offset + NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(offset + NONCE_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    const head = decipher.update(body);
    const tail = decipher.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    return undefined;
  }
}
