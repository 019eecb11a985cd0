import { createHash, randomInt } from 'node:crypto';

// Crockford's base32 alphabet: no i, l, o or u, so a code read off paper is not misread.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 3;
const GROUP_LENGTH = 4;

/** Bits of entropy in one recovery code: 12 symbols of 5 bits. */
export const RECOVERY_CODE_BITS = GROUPS * GROUP_LENGTH * 5;

/** Fresh recovery codes to show the user once, and the hashes to store in their place. */
export interface RecoveryCodes {
  readonly codes: string[];
  readonly hashes: string[];
}

/**
 * The canonical form of a typed code: lower case, without spaces or dashes of any kind,
 * and with the letters Crockford's alphabet leaves out read as the digits they resemble.
 */
export function normaliseRecoveryCode(code: string): string {
  return code
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-\u2010-\u2015\u2212_]/g, '')
    .replace(/o/g, '0')
    .replace(/[il]/g, '1');
}

/** SHA-256 (hex) of the normalised code; codes carry 60 random bits, so no salt is needed. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code), 'utf8').digest('hex');
}

function newRecoveryCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    // randomInt draws without modulo bias.
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** `count` one-time recovery codes such as `7k2m-x9qd-4tbe` (ASVS 2.6.x), with their hashes. */
export function newRecoveryCodes(count = 10): RecoveryCodes {
  if (!Number.isSafeInteger(count) || count < 1 || count > 100) {
    throw new RangeError('count must be an integer from 1 to 100');
  }
  const codes = new Set<string>();
  while (codes.size < count) codes.add(newRecoveryCode());
  const list = [...codes];
  return { codes: list, hashes: list.map(hashRecoveryCode) };
}
