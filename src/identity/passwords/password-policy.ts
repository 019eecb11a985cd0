import { isCommonPassword } from './common-passwords.js';

/**
 * ASVS 2.1: at least 12 and at most 128 characters, any Unicode, no composition rules.
 * Characters are Unicode code points after NFC, so an accented letter typed as one or as
 * two code points counts the same, and an emoji such as 🔑 counts as one.
 */
export const PASSWORD_POLICY = Object.freeze({ minLength: 12, maxLength: 128 });

/** Why a new password is refused. */
export type PasswordRejection = 'too_short' | 'too_long' | 'too_common';

/** The verdict on a new password. */
export type PasswordCheck = { ok: true } | { ok: false; reason: PasswordRejection };

/** The number of Unicode code points in the NFC form of the password. */
export function passwordLength(password: string): number {
  // The string iterator walks code points, so a surrogate pair counts once.
  return Array.from(password.normalize('NFC')).length;
}

/** Checks a new password against the policy and the list of common passwords. */
export function checkPassword(password: string): PasswordCheck {
  const length = passwordLength(password);
  if (length < PASSWORD_POLICY.minLength) return { ok: false, reason: 'too_short' };
  if (length > PASSWORD_POLICY.maxLength) return { ok: false, reason: 'too_long' };
  if (isCommonPassword(password)) return { ok: false, reason: 'too_common' };
  return { ok: true };
}
