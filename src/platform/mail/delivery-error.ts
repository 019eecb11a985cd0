import { AppError } from '../errors/index.js';
import { mailErrors } from './mail-errors.js';

// Only these fields of a transport error are copied: nodemailer's message and the
// server's response text routinely quote the recipient ("550 <a@b>: no such user").
const SAFE_CODE = /^[A-Z][A-Z0-9_]{1,31}$/;

/** MAIL_DELIVERY_FAILED with the error's code and SMTP status, never its text or cause. */
export function deliveryFailed(error: unknown): AppError {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  return new AppError(mailErrors.MAIL_DELIVERY_FAILED, {
    details: {
      ...(typeof code === 'string' && SAFE_CODE.test(code) ? { reason: code } : {}),
      ...(typeof responseCode === 'number' && Number.isInteger(responseCode)
        ? { smtpStatus: responseCode }
        : {}),
    },
  });
}
