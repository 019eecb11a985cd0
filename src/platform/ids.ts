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

/** The 26 characters after the prefix, in the alphabet above. */
const ID_BODY = '[0-9a-hjkmnp-tv-z]{26}';

/** One pattern per prefix, built on first use: ids are checked on every request. */
const ID_PATTERNS = new Map<string, RegExp>();

/** True when the value has the shape of an id with the given prefix. */
export function isId(value: string, prefix: IdPrefix): boolean {
  let pattern = ID_PATTERNS.get(prefix);
  if (pattern === undefined) {
    pattern = new RegExp(`^${prefix}_${ID_BODY}$`);
    ID_PATTERNS.set(prefix, pattern);
  }
  return pattern.test(value);
}

const ANY_ID = new RegExp(`^[a-z]{2,8}_${ID_BODY}$`);

/**
 * True when the value has the shape of an id of any prefix: lower-case letters, `_`, and
 * 26 characters of the alphabet.
 */
export function looksLikeId(value: string): boolean {
  return ANY_ID.test(value);
}
