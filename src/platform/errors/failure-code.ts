import { isAppError } from './app-error.js';

const CODE_SHAPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

/**
 * The code a failure is recorded and logged under: an AppError's code, a driver's code
 * (`SQLITE_BUSY`, `ECONNRESET`), or `fallback`. Messages may quote values; codes do not.
 */
export function failureCode(error: unknown, fallback = 'UNKNOWN'): string {
  if (isAppError(error)) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CODE_SHAPE.test(code) ? code : fallback;
}
