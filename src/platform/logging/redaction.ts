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
];

/**
 * Builds a function that replaces, at any depth, the values of the given keys. The privacy
 * inventory hands in the names of the fields it declares personal, so a log call that
 * carries one by mistake still writes no personal data.
 */
export function createKeyRedactor(keys: Iterable<string>): (value: unknown) => unknown {
  const set = new Set(Array.from(keys, (key) => key.toLowerCase()));
  if (set.size === 0) return (value) => value;
  const walk = (value: unknown, depth: number): unknown => {
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    // Only plain objects are walked: requests, replies and errors have serializers that
    // keep just their safe parts, and copying them would lose their prototype getters.
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
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
