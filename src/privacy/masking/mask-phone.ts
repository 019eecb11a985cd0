import { HIDDEN, type Masker } from './mask-marks.js';

/** Digits, an optional leading '+', and the separators people type between groups. */
const PHONE = /^\+?[0-9 ().\-/]+$/;
/** ITU-T E.164 allows 15 digits; a few more leave room for national prefixes. */
const MIN_DIGITS = 6;
const MAX_DIGITS = 20;

/**
 * `+44 20 7946 0042` → `•••• 42`. The prefix is fixed-width, so neither the length nor the
 * country code of the number shows; the last two digits let a caller confirm it.
 */
export const maskPhone: Masker = (value) => {
  const phone = value.trim();
  if (!PHONE.test(phone)) return undefined;
  const digits = phone.replace(/[^0-9]/g, '');
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return undefined;
  return `${HIDDEN.repeat(4)} ${digits.slice(-2)}`;
};
