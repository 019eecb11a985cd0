/** The text that replaces a redacted value in a log line. */
export const REDACTED = '[redacted]';

/** Paths that are always redacted: credentials travel in these. */
export const ALWAYS_REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'currentPassword',
  '*.currentPassword',
  'token',
  '*.token',
  'totp',
  '*.totp',
  'number',
  '*.number',
  'cvc',
  '*.cvc',
  'cardNumber',
  '*.cardNumber',
];

/**
 * Keys that carry card data wherever they appear: card numbers and security codes must
 * never reach a log line (C2.5), whatever the depth and whoever builds the redactor.
 */
export const CARD_KEYS: readonly string[] = [
  'number',
  'cardNumber',
  'card_number',
  'pan',
  'cvc',
  'cvc2',
  'cvv',
  'cvv2',
  'securityCode',
];

/** How many levels of plain objects and arrays a log call may nest. */
const MAX_DEPTH = 8;

/**
 * Builds a function that replaces, at any depth, the values of the given keys and of the
 * card keys. The privacy inventory hands in the names of the fields it declares personal,
 * so a log call that carries one by mistake still writes no personal data.
 */
export function createKeyRedactor(keys: Iterable<string>): (value: unknown) => unknown {
  const set = new Set([...CARD_KEYS, ...keys].map((key) => key.toLowerCase()));
  const walk = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const isArray = Array.isArray(value);
    // Only plain objects are walked: requests, replies and errors have serializers that
    // keep just their safe parts, and copying them would lose their prototype getters.
    const proto: unknown = Object.getPrototypeOf(value);
    if (!isArray && proto !== Object.prototype && proto !== null) return value;
    // What is too deep to inspect (or circular) is not logged at all: failing open here
    // would write a personal field nested one level deeper than the walk goes.
    if (depth > MAX_DEPTH) return REDACTED;
    if (isArray) return value.map((item) => walk(item, depth + 1));
    let copy: Record<string, unknown> | undefined;
    for (const [key, inner] of Object.entries(value)) {
      const next = set.has(key.toLowerCase()) ? REDACTED : walk(inner, depth + 1);
      if (next !== inner) {
        copy ??= { ...(value as Record<string, unknown>) };
        copy[key] = next;
      }
    }
    return copy ?? value;
  };
  return (value) => walk(value, 0);
}
