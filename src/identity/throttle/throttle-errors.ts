import { AppError, defineErrors } from '../../platform/errors/index.js';

/** Errors of the login throttle. */
export const throttleErrors = defineErrors({
  LOGIN_THROTTLED: {
    status: 429,
    level: 'warn',
    message: 'Too many failed sign-in attempts; retry after the time in Retry-After',
  },
});

/** LOGIN_THROTTLED with the Retry-After header and the same number in the details. */
export function loginThrottled(retryAfterSeconds: number): AppError {
  return new AppError(throttleErrors.LOGIN_THROTTLED, {
    headers: { 'Retry-After': String(retryAfterSeconds) },
    details: { retryAfterSeconds },
  });
}
