import { pooledRandomBytes } from '../../platform/random-pool.js';

// Crockford base32 without I, L, O, U: a number read over the phone is typed right.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 10;

/** The shape of an order number: two groups of five Crockford base32 characters. */
export const ORDER_NUMBER = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

/**
 * A short, human order number such as `K7Q4M-9XW2H`: 50 random bits, so numbers reveal
 * nothing about sales volume and need no shared counter row that every checkout would
 * queue on. Uniqueness is enforced by the database index; a clash is retried.
 */
export function newOrderNumber(): string {
  const bytes = pooledRandomBytes(LENGTH);
  let out = '';
  // One byte per character, keeping 5 of its bits: uniform over the 32 symbols.
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}
