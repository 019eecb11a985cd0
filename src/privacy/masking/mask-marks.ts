/** What every malformed or unmaskable value becomes: nothing of the input survives. */
export const REDACTED = '[redacted]';

/** The character that stands for hidden characters. */
export const HIDDEN = '•';

/**
 * A transformation from a clear value to its masked form, or undefined when the value
 * does not have the shape the rule expects (the caller then redacts it).
 */
export type Masker = (value: string) => string | undefined;

// C0 and C1 controls, line and paragraph separators, bidi overrides: a value holding them
// is not a well-formed name, address or number, and echoing them could spoof a display.
const UNSAFE = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** True when a value holds characters no displayed fragment of it may carry. */
export function hasUnsafeCharacters(value: string): boolean {
  return UNSAFE.test(value);
}
