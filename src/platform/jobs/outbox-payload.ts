import { AppError } from '../errors/index.js';
import { jobsErrors } from './outbox-errors.js';

/** What a payload may hold: flat ids, codes, counts and flags. */
export type OutboxPayload = Readonly<Record<string, string | number | boolean | null>>;

/**
 * Names refused as payload keys even when the inventory is not at hand: the usual names
 * of personal data and of card data. The wiring adds every alias of the inventory.
 */
export const BUILT_IN_REFUSED_KEYS: readonly string[] = [
  'email',
  'name',
  'phone',
  'address',
  'firstName',
  'lastName',
  'fullName',
  'password',
  'street',
  'city',
  'postalCode',
  'zip',
  'birthDate',
  'dateOfBirth',
  'ip',
  'cardNumber',
  'pan',
  'cvc',
  'cvv',
];

/** Words that make a compound key personal wherever they end it (`recipientEmail`, `displayName`). */
const REFUSED_LAST_WORDS = new Set(['email', 'name', 'phone', 'address', 'password']);

const KEY_SHAPE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]+/;
// 14 to 19 digits, spaces or dashes between: card numbers, but not a 13-digit epoch time.
const DIGIT_RUN = /(?<!\d)\d(?:[ -]?\d){13,18}(?!\d)/g;
const MAX_STRING = 256;
const MAX_KEYS = 32;

const normalise = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

function lastWord(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_]+/)
    .filter((word) => word !== '');
  return words.at(-1) ?? '';
}

/** True for a run of 14–19 digits that passes the Luhn check: a card number. */
function holdsCardNumber(value: string): boolean {
  for (const match of value.matchAll(DIGIT_RUN)) {
    const digits = match[0].replace(/\D/g, '');
    let sum = 0;
    for (let i = 0; i < digits.length; i += 1) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return true;
  }
  return false;
}

function refuse(key: string, reason: string): AppError {
  // The key is a name from code, never a value; the value itself is not repeated.
  return new AppError(jobsErrors.OUTBOX_PAYLOAD_REFUSED, { details: { key, reason } });
}

/**
 * Checks payloads before they are written (DESIGN.md: outbox payloads carry ids, never
 * personal data). Refuses keys named like personal fields, nested values, strings that
 * look like an email address or a card number, and long free text.
 */
export class PayloadGuard {
  readonly #refused: ReadonlySet<string>;

  constructor(refusedKeys: Iterable<string> = []) {
    this.#refused = new Set([...BUILT_IN_REFUSED_KEYS, ...refusedKeys].map(normalise));
  }

  /** Throws OUTBOX_PAYLOAD_REFUSED, naming the key, on anything that may carry personal data. */
  check(payload: OutboxPayload): void {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw refuse('', 'not_an_object');
    }
    const entries = Object.entries(payload);
    if (entries.length > MAX_KEYS) throw refuse('', 'too_many_keys');
    for (const [key, value] of entries) {
      if (!KEY_SHAPE.test(key)) throw refuse('', 'key_shape');
      if (this.#refused.has(normalise(key)) || REFUSED_LAST_WORDS.has(lastWord(key))) {
        throw refuse(key, 'personal_key');
      }
      this.#checkValue(key, value);
    }
  }

  #checkValue(key: string, value: unknown): void {
    if (value === null || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw refuse(key, 'not_finite');
      if (Number.isInteger(value) && holdsCardNumber(String(value))) {
        throw refuse(key, 'card_number_like');
      }
      return;
    }
    if (typeof value !== 'string') throw refuse(key, 'not_a_scalar');
    if (value.length > MAX_STRING) throw refuse(key, 'too_long');
    if (EMAIL_LIKE.test(value)) throw refuse(key, 'email_like');
    if (holdsCardNumber(value)) throw refuse(key, 'card_number_like');
  }
}
