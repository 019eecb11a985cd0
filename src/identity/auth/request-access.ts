import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors/index.js';
import type { Session } from '../sessions/index.js';
import { authErrors } from './auth-errors.js';
import type { RequestAccess } from './auth-plugin.js';

/**
 * The guard's verdict for a request. Every route that asks declares its access, so a
 * missing one means the guard did not run: refuse rather than serve nobody in particular.
 */
export function accessOf(request: Pick<FastifyRequest, 'access'>): RequestAccess {
  if (request.access === undefined) throw new AppError(authErrors.AUTHENTICATION_REQUIRED);
  return request.access;
}

/** The session a request was authenticated with; refused when there is none. */
export function sessionOf(request: Pick<FastifyRequest, 'auth'>): Session {
  const session = request.auth.session;
  if (session === undefined) throw new AppError(authErrors.AUTHENTICATION_REQUIRED);
  return session;
}
