import { HIDDEN, hasUnsafeCharacters, type Masker } from './mask-marks.js';

/** RFC 5321 caps a forward path at 256 octets; anything longer is not an address. */
const MAX_LENGTH = 320;
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'u');

/**
 * `jane.doe@example.test` → `j•••@example.test`: the first letter tells a support agent
 * they have the right customer, the domain tells them where mail goes, and the fixed
 * `•••` hides the length of the local part.
 */
export const maskEmail: Masker = (value) => {
  const email = value.normalize('NFC').trim();
  // The mask character inside the value would let a crafted address equal its own mask.
  if (email.length > MAX_LENGTH || hasUnsafeCharacters(email) || email.includes(HIDDEN)) {
    return undefined;
  }
  const parts = email.split('@');
  // Quoted local parts may hold '@', but they are too rare to be worth the ambiguity.
  if (parts.length !== 2) return undefined;
  const [local = '', domain = ''] = parts;
  const first = [...local][0];
  if (first === undefined || /\s/u.test(local) || !DOMAIN.test(domain)) return undefined;
  return `${first}${HIDDEN.repeat(3)}@${domain}`;
};
