/**
 * What reading a field of an erased subject returns: a typed value, never garbage
 * plaintext and never an exception that carries ciphertext (C4.4).
 */
export class Erased {
  readonly erased = true;
  toString(): string {
    return '[erased]';
  }
  toJSON(): null {
    return null;
  }
}

/** The one Erased value. */
export const ERASED: Erased = Object.freeze(new Erased());

/** True when a read found the subject erased. */
export function isErased(value: unknown): value is Erased {
  return value instanceof Erased;
}
