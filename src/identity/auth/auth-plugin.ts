import fastifyCookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { App } from '../../app/http/app-type.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors/index.js';
import {
  auditActorId,
  auditActorRole,
  type AccessPolicy,
  type Actor,
  type Permission,
  type SELF,
} from '../../privacy/access/index.js';
import type { AuditSink } from '../../privacy/audit/index.js';
import type { Purpose } from '../../privacy/inventory/index.js';
import type { Session, SessionStore } from '../sessions/index.js';
import { authErrors } from './auth-errors.js';

import type { DeclaredRoute, RouteAccess } from './route-access.js';
import { selectPurpose } from './select-purpose.js';

/** The session cookie: `__Host-` pins it to this host and path `/`, over a secure channel. */
export const SESSION_COOKIE = '__Host-custodia_session';
/** The header that carries a cookie session's anti-CSRF token on state changes. */
export const CSRF_HEADER = 'x-csrf-token';
/** How recently a sensitive act needs the password (and code) proved again. */
export const REAUTH_WINDOW_MS = 5 * 60_000;

/** Who is behind a request, and how they proved it. */
export interface RequestAuth {
  readonly actor: Actor;
  readonly session: Session | undefined;
  readonly method: 'cookie' | 'bearer' | undefined;
}

/** What a handler needs to read personal data: who, for which purpose, under which permission. */
export interface RequestAccess {
  readonly actor: Actor;
  readonly permission: Permission | typeof SELF;
  readonly purpose: Purpose;
  readonly requestId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
    /** Set by the guard on routes that declare a purpose. */
    access: RequestAccess | undefined;
  }
}

/** What authentication and the guard are built from. */
export interface AuthDeps {
  readonly sessions: SessionStore;
  /** The roles of an active staff account; undefined when it is unknown or disabled. */
  readonly staffRoles: (staffId: string) => Promise<readonly string[] | undefined>;
  readonly policy: AccessPolicy;
  readonly audit: AuditSink;
  readonly clock: Clock;
  /** Every declared route is added here as it is registered (the authorisation matrix). */
  readonly routes: DeclaredRoute[];
}

const ANONYMOUS: RequestAuth = {
  actor: { kind: 'anonymous' },
  session: undefined,
  method: undefined,
};
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function presentedToken(
  request: FastifyRequest,
): { token: string; method: 'cookie' | 'bearer' } | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9_-]{1,64})$/.exec(header);
    return match?.[1] === undefined ? undefined : { token: match[1], method: 'bearer' };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie === undefined ? undefined : { token: cookie, method: 'cookie' };
}

async function authenticate(deps: AuthDeps, request: FastifyRequest): Promise<RequestAuth> {
  const presented = presentedToken(request);
  if (presented === undefined) return ANONYMOUS;
  const session = await deps.sessions.authenticate(presented.token);
  if (session === undefined) return ANONYMOUS;
  if (session.accountKind === 'customer') {
    return {
      actor: { kind: 'customer', id: session.accountId },
      session,
      method: presented.method,
    };
  }
  const roles = await deps.staffRoles(session.accountId);
  if (roles === undefined) return ANONYMOUS;
  // Staff sessions exist only after password and TOTP were both checked at login.
  const actor: Actor = { kind: 'staff', id: session.accountId, roles, mfa: true };
  return { actor, session, method: presented.method };
}

async function deny(
  deps: AuthDeps,
  request: FastifyRequest,
  access: RouteAccess,
  error: AppError,
): Promise<never> {
  const { actor } = request.auth;
  await deps.audit.record([
    {
      occurredAt: deps.clock.now(),
      actorId: auditActorId(actor),
      actorRole: auditActorRole(actor),
      action: `route.${request.method} ${request.routeOptions.url ?? ''}`,
      purpose: access.audience === 'staff' ? access.purposes[0] : null,
      subjectId: null,
      categories: [],
      decision: 'deny',
      requestId: request.id,
      outcome: 'denied',
      detail: { code: error.code },
    },
  ]);
  throw error;
}

async function guard(deps: AuthDeps, request: FastifyRequest): Promise<void> {
  const access = request.routeOptions.config.access;
  if (access === undefined || access.audience === 'public') return;
  const { actor, session, method } = request.auth;
  // A guest shopper needs no session; the handler sees no `request.access`.
  if (actor.kind === 'anonymous' && access.audience === 'shopper') return;
  if (actor.kind === 'anonymous') throw new AppError(authErrors.AUTHENTICATION_REQUIRED);
  if (method === 'cookie' && !SAFE_METHODS.has(request.method)) {
    const presented = request.headers[CSRF_HEADER];
    const valid =
      typeof presented === 'string' &&
      session !== undefined &&
      (await deps.sessions.checkCsrfToken(session.id, presented));
    if (!valid) await deny(deps, request, access, new AppError(authErrors.CSRF_TOKEN_INVALID));
  }
  if (access.audience === 'customer' || access.audience === 'shopper') {
    if (actor.kind !== 'customer')
      await deny(deps, request, access, new AppError(authErrors.WRONG_AUDIENCE));
    request.access = { actor, permission: 'self', purpose: access.purpose, requestId: request.id };
    return;
  }
  if (actor.kind !== 'staff')
    return deny(deps, request, access, new AppError(authErrors.WRONG_AUDIENCE));
  if (!actor.mfa) return deny(deps, request, access, new AppError(authErrors.MFA_REQUIRED));
  if (access.permission !== 'self' && !deps.policy.can(actor, access.permission)) {
    return deny(deps, request, access, new AppError(authErrors.PERMISSION_DENIED));
  }
  if (access.reauth === true && session !== undefined) {
    const age = deps.clock.now().getTime() - session.reauthenticatedAt.getTime();
    if (age > REAUTH_WINDOW_MS) throw new AppError(authErrors.REAUTHENTICATION_REQUIRED);
  }
  const purpose = selectPurpose(access.purposes, request.headers['x-custodia-purpose']);
  request.access = { actor, permission: access.permission, purpose, requestId: request.id };
}

/** Sets the session cookie on a reply. */
export function setSessionCookie(reply: FastifyReply, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    // Always Secure: browsers refuse `__Host-` cookies without it, and treat localhost
    // as a secure origin, so development over plain HTTP still works.
    secure: true,
    sameSite: 'lax',
  });
}

/** Clears the session cookie on a reply. */
export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
  });
}

/**
 * Authentication and the route guard, for the whole app: every `/store` and `/admin`
 * route must declare its access (startup fails otherwise), and the guard checks it
 * before the body is validated or the handler runs (C2.3).
 */
export function authPlugin(deps: AuthDeps) {
  return fp(
    async (app: App) => {
      await app.register(fastifyCookie);
      // Replaced in onRequest for every request; a shared object must not be the default.
      app.decorateRequest('auth', null as unknown as RequestAuth);
      app.decorateRequest('access', undefined);
      app.addHook('onRoute', (route) => {
        const url = route.url ?? route.path;
        const access = route.config?.access;
        if (access === undefined) {
          if (/^\/(store|admin)(\/|$)/.test(url)) {
            throw new Error(`Route ${String(route.method)} ${url} declares no access`);
          }
          return;
        }
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const method of methods) {
          if (method !== 'HEAD') deps.routes.push({ method, url, access });
        }
      });
      app.addHook('onRequest', async (request) => {
        request.auth = await authenticate(deps, request);
      });
      app.addHook('preValidation', async (request) => guard(deps, request));
    },
    { name: 'custodia-auth' },
  );
}
