import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors/index.js';
import { authErrors } from '../auth/auth-errors.js';
import { clearSessionCookie, setSessionCookie } from '../auth/auth-plugin.js';
import { accessOf, sessionOf } from '../auth/request-access.js';
import { emailSchema, passwordSchema } from '../customers/index.js';
import { completeStaffSetup, createStaff } from './staff-accounts.js';
import type { StaffDeps } from './staff-deps.js';
import { listStaff } from './staff-list.js';
import { loginStaff, reauthenticateStaff } from './staff-login.js';

const TAGS = ['admin: staff'];
const LOGIN_RATE_LIMIT = { max: 30, timeWindow: 60_000 };
const SELF = { audience: 'staff', permission: 'self', purposes: ['account'] } as const;

// Authenticator apps show the code as "123 456"; verifyTotp accepts it with or without the space.
const codeSchema = z
  .string()
  .trim()
  .regex(/^\d{3} ?\d{3}$/, { message: 'must be six digits' });
const recoverySchema = z.string().trim().min(8).max(40);
const credentials = {
  password: passwordSchema,
  totp: codeSchema.optional(),
  recoveryCode: recoverySchema.optional(),
};
const enrolmentReply = z.object({
  totpSecret: z.string(),
  otpauthUri: z.string(),
  recoveryCodes: z.array(z.string()),
});

/** Staff sessions, set-up and management under `/admin`. */
export function staffRoutes(deps: StaffDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/admin/sessions',
      {
        config: { access: { audience: 'public' }, rateLimit: LOGIN_RATE_LIMIT },
        schema: {
          tags: TAGS,
          summary: 'Staff login: email, password and a TOTP code (or a recovery code)',
          body: z.strictObject({ email: emailSchema, ...credentials }),
          response: {
            201: z.object({ token: z.string(), expiresAt: z.string(), csrfToken: z.string() }),
          },
        },
      },
      async (request, reply) => {
        const { email, ...given } = request.body;
        const issued = await loginStaff(deps, email, given, {
          requestId: request.id,
          ip: request.ip,
        });
        setSessionCookie(reply, issued.token);
        return reply.code(201).send({
          token: issued.token,
          expiresAt: issued.session.expiresAt.toISOString(),
          csrfToken: await deps.sessions.csrfToken(issued.session.id),
        });
      },
    );

    app.get(
      '/admin/sessions/current',
      {
        config: { access: SELF },
        schema: {
          tags: TAGS,
          summary: 'The current staff session and its roles',
          response: {
            200: z.object({
              staffId: z.string(),
              roles: z.array(z.string()),
              expiresAt: z.string(),
              csrfToken: z.string(),
            }),
          },
        },
      },
      async (request) => {
        const { actor, session } = request.auth;
        if (actor.kind !== 'staff' || session === undefined)
          throw new AppError(authErrors.AUTHENTICATION_REQUIRED);
        return {
          staffId: actor.id,
          roles: [...actor.roles],
          expiresAt: session.expiresAt.toISOString(),
          csrfToken: await deps.sessions.csrfToken(session.id),
        };
      },
    );

    app.delete(
      '/admin/sessions/current',
      { config: { access: SELF }, schema: { tags: TAGS, summary: 'Log out' } },
      async (request, reply) => {
        if (request.auth.session !== undefined) await deps.sessions.revoke(request.auth.session.id);
        clearSessionCookie(reply);
        return reply.code(204).send();
      },
    );

    app.post(
      '/admin/sessions/current/reauth',
      {
        config: { access: SELF, rateLimit: LOGIN_RATE_LIMIT },
        schema: {
          tags: TAGS,
          summary: 'Prove password and code again before a sensitive act (valid 5 minutes)',
          body: z.strictObject(credentials),
        },
      },
      async (request, reply) => {
        const session = sessionOf(request);
        await reauthenticateStaff(deps, session, request.body);
        return reply.code(204).send();
      },
    );

    app.post(
      '/admin/staff',
      {
        config: {
          access: {
            audience: 'staff',
            permission: 'staff.manage',
            purposes: ['account'],
            reauth: true,
          },
        },
        schema: {
          tags: TAGS,
          summary: 'Create a staff account; returns a one-time set-up token for its owner',
          body: z.strictObject({
            email: emailSchema,
            roles: z.array(z.string().min(1).max(64)).min(1).max(10),
          }),
          response: {
            201: z.object({
              id: z.string(),
              roles: z.array(z.string()),
              setupToken: z.string(),
              setupExpiresAt: z.string(),
            }),
          },
        },
      },
      async (request, reply) => {
        const created = await createStaff(deps, request.body, request.auth.actor, request.id);
        return reply.code(201).send({
          id: created.id,
          roles: [...created.roles],
          setupToken: created.setup?.token ?? '',
          setupExpiresAt: created.setup?.expiresAt.toISOString() ?? '',
        });
      },
    );

    app.get(
      '/admin/staff',
      {
        config: {
          access: { audience: 'staff', permission: 'staff.manage', purposes: ['account'] },
        },
        schema: {
          tags: TAGS,
          summary: 'Staff accounts with their roles; emails masked',
          response: {
            200: z.object({
              staff: z.array(
                z.object({
                  id: z.string(),
                  roles: z.array(z.string()),
                  email: z.string().nullable(),
                  active: z.boolean(),
                  createdAt: z.string(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => {
        return { staff: await listStaff(deps, { ...accessOf(request), action: 'staff.list' }) };
      },
    );

    app.post(
      '/admin/staff-setup',
      {
        config: { access: { audience: 'public' }, rateLimit: LOGIN_RATE_LIMIT },
        schema: {
          tags: TAGS,
          summary: 'Complete set-up with the one-time token: choose a password, enrol TOTP',
          body: z.strictObject({ token: z.string().min(1).max(200), password: passwordSchema }),
          response: { 200: enrolmentReply },
        },
      },
      async (request) => {
        const enrolment = await completeStaffSetup(deps, request.body.token, request.body.password);
        return { ...enrolment, recoveryCodes: [...enrolment.recoveryCodes] };
      },
    );
  };
}
