import { hasUnsafeCharacters, type Masker } from './mask-marks.js';

/** A name longer than this is not a name; it is redacted rather than abbreviated. */
const MAX_LENGTH = 300;
const LETTER = /\p{L}/u;

/** The first letter of a word, upper-cased, as one code point. */
function initialOf(word: string): string | undefined {
  // Leading quotes or brackets, as in `(Bob)` or `"Jo"`, are not part of an initial.
  const letter = [...word].find((char) => LETTER.test(char));
  if (letter === undefined) return undefined;
  // Some letters upper-case to two (ß → SS); an initial stays one character.
  return [...letter.toUpperCase()][0];
}

/**
 * `Jane van Doe` → `J. V. D.`: one upper-cased letter per word, Unicode-aware (code points,
 * not UTF-16 units, after NFC), so `Ævar Þór` gives `Æ. Þ.` and `山田 太郎` gives `山. 太.`.
 * Words without a letter (`&`, `-`) are skipped.
 */
export const maskInitials: Masker = (value) => {
  const name = value.normalize('NFC').trim();
  if (name.length > MAX_LENGTH || hasUnsafeCharacters(name)) return undefined;
  const initials = name
    .split(/\s+/u)
    .map(initialOf)
    .filter((initial) => initial !== undefined);
  if (initials.length === 0) return undefined;
  return initials.map((initial) => `${initial}.`).join(' ');
};
