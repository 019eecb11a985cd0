import { randomFillSync } from 'node:crypto';

// Ids, order numbers and nonces each need a few random bytes, many times per request. A
// call into the CSPRNG has a fixed cost far above that of copying a few bytes, so they
// are drawn from a pool of its output, refilled 4 KiB at a time. Every draw is fresh
// CSPRNG output, handed out once: the pool zeroes what it hands out. Keys and tokens
// are drawn from node:crypto directly, so that key material never passes through here.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** `count` fresh random bytes (at most 256), in a buffer of their own. */
export function pooledRandomBytes(count: number): Buffer {
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    throw new RangeError(`pooledRandomBytes takes 1 to 256 bytes, not ${count}`);
  }
  if (offset + count > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + count));
  pool.fill(0, offset, offset + count);
  offset += count;
  return bytes;
}
