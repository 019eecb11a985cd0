import { randomBytes } from 'node:crypto';

// Crockford base32: no I, L, O, U, so ids survive being read aloud or typed.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** The type prefixes used in ids (DESIGN.md: Storage). */
export type IdPrefix =
  'cus' | 'stf' | 'ord' | 'pay' | 'shp' | 'tkt' | 'sub' | 'ses' | 'req' | 'evt' | (string & {});

/** A type-prefixed random id with 130 bits of entropy, such as `ord_1x7…`. */
export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(17);
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return `${prefix}_${out}`;
}

/** True when the value has the shape of an id with the given prefix. */
export function isId(value: string, prefix: IdPrefix): boolean {
  return new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`).test(value);
}

const ANY_ID = /^[a-z]{2,8}_[0-9a-hjkmnp-tv-z]{26}$/;

/** True when the value has the shape of an id of any prefix (a lower-case prefix, `_`, 26 characters). */
export function looksLikeId(value: string): boolean {
  return ANY_ID.test(value);
}
