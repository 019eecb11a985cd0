import { pooledRandomBytes } from './random-pool.js';

// Crockford base32: no I, L, O, U, so ids survive being read aloud or typed.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** The type prefixes used in ids (DESIGN.md: Storage). */
export type IdPrefix =
  'cus' | 'stf' | 'ord' | 'pay' | 'shp' | 'tkt' | 'sub' | 'ses' | 'req' | 'evt' | (string & {});

/** Symbols of the time part: 10 × 5 bits hold a 48-bit millisecond time, as in a ULID. */
const TIME_SYMBOLS = 10;

/** Bytes as base32 symbols, five bits to a symbol; bits left over at the end are dropped. */
function randomSymbols(bytes: Buffer): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  return out;
}

/**
 * A type-prefixed id such as `ord_01kb3y…`: 26 Crockford base32 characters, ten of the
 * creation time in milliseconds and sixteen of 80 random bits. Ids made later sort
 * later, so a table's and an index's new entries land on the pages written last instead
 * of on a random page each: a checkout writes less than half the database pages it
 * would with wholly random ids (docs/benchmarks.md). The time is no secret (records
 * show it anyway) and nothing may rely on it; the 80 random bits make an id unguessable
 * even to whoever knows when it was made. Where an id alone grants access, use
 * `newSecretId`.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = '';
  let rest = Math.max(0, Math.floor(now));
  for (let i = 0; i < TIME_SYMBOLS; i++) {
    time = ALPHABET[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  return `${prefix}_${time}${randomSymbols(pooledRandomBytes(10))}`;
}

/**
 * A type-prefixed id of 130 random bits and no time, in the same shape as `newId`: for an
 * id that is itself a capability, such as a guest cart's, which whoever holds it may use.
 */
export function newSecretId(prefix: IdPrefix): string {
  // 136 bits drawn, the first 130 used.
  return `${prefix}_${randomSymbols(pooledRandomBytes(17)).slice(0, 26)}`;
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
