import { AppError } from '../../platform/errors/index.js';
import { authErrors, type RequestAccess } from '../auth/index.js';

/**
 * The guard's verdict for a request. Every route here declares its access, so a missing
 * one means the guard did not run: refuse rather than serve the log to nobody in particular.
 */
export function accessOf(request: { access: RequestAccess | undefined }): RequestAccess {
  if (request.access === undefined) throw new AppError(authErrors.AUTHENTICATION_REQUIRED);
  return request.access;
}
