import { AppError } from '../../platform/errors/index.js';
import { checkPassword } from '../passwords/index.js';
import { passwordErrors } from './password-errors.js';

/** Throws the matching 400 when a new password breaks the policy (ASVS 2.1). */
export function assertAcceptablePassword(password: string): void {
  const verdict = checkPassword(password);
  if (verdict.ok) return;
  switch (verdict.reason) {
    case 'too_short':
      throw new AppError(passwordErrors.PASSWORD_TOO_SHORT);
    case 'too_long':
      throw new AppError(passwordErrors.PASSWORD_TOO_LONG);
    case 'too_common':
      throw new AppError(passwordErrors.PASSWORD_TOO_COMMON);
  }
}
