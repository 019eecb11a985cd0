import { HIDDEN, type Masker } from './mask-marks.js';

/**
 * Card brands by their normalised spelling (lower case, no spaces, dashes or
 * underscores). A brand is a closed vocabulary shared by millions of cards, so it is
 * shown; anything else in the brand field is free text and is redacted.
 */
const BRANDS: Readonly<Record<string, string>> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  americanexpress: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  dinersclub: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  maestro: 'Maestro',
  cartesbancaires: 'Cartes Bancaires',
  eftposau: 'eftpos Australia',
  interac: 'Interac',
  mir: 'Mir',
};

/** MM/YY, MM/YYYY or YYYY-MM. */
const EXPIRY = /^(?:(?:0[1-9]|1[0-2])\s*\/\s*(?:\d{2}|\d{4})|\d{4}-(?:0[1-9]|1[0-2]))$/;
/** A full card number is 12 to 19 digits (ISO/IEC 7812). */
const PAN = /^\d{12,19}$/;

/**
 * The card rule (C2.5) shows what a receipt shows. The payment fields are stored apart,
 * so each is masked on its own:
 * - a brand → its canonical name (`VISA` → `Visa`);
 * - last four digits → `•••• 4242` (these four digits are all the shop ever holds of the
 *   number; showing them is what lets finance match a card with a statement);
 * - an expiry → `••/••` (kept from masked views entirely: with the last four it helps
 *   card-not-present fraud);
 * - a full card number, should one ever arrive here → `•••• ` and its last four only.
 */
export const maskCard: Masker = (value) => {
  const trimmed = value.trim();
  const brandKey = trimmed.toLowerCase().replace(/[\s_-]+/g, '');
  // hasOwn: `constructor` or `__proto__` in the brand field must not find an inherited value.
  if (Object.hasOwn(BRANDS, brandKey)) return BRANDS[brandKey];
  if (EXPIRY.test(trimmed)) return `${HIDDEN}${HIDDEN}/${HIDDEN}${HIDDEN}`;
  const digits = trimmed.replace(/[\s-]/g, '');
  if (/^\d{4}$/.test(digits) || PAN.test(digits)) return `${HIDDEN.repeat(4)} ${digits.slice(-4)}`;
  return undefined;
};
