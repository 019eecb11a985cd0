import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { clearSessionCookie, setSessionCookie } from '../auth/auth-plugin.js';
import { accessOf, sessionOf } from '../auth/request-access.js';
import type { IssuedSession } from '../sessions/index.js';
import type { CustomerDeps } from './customer-deps.js';
import { loginCustomer } from './customer-login.js';
import { logoutCustomer } from './customer-logout.js';
import { changeCustomerPassword } from './customer-password.js';
import { readCustomer } from './customer-profile.js';
import { registerCustomer } from './customer-registration.js';
import {
  acceptedReply,
  currentSessionReply,
  loginBody,
  passwordChangeBody,
  profileReply,
  registrationBody,
  sessionReply,
  verificationBody,
} from './customers-schemas.js';
import { confirmEmail, resendVerification } from './email-verification.js';

const TAGS = ['store: account'];
// Tighter than the global limit: logins are where guessing happens.
const LOGIN_RATE_LIMIT = { max: 30, timeWindow: 60_000 };

/** Customer accounts under `/store`: register, log in and out, profile, password, email. */
export function customerRoutes(deps: CustomerDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const sessionBody = async (issued: IssuedSession) => ({
      token: issued.token,
      expiresAt: issued.session.expiresAt.toISOString(),
      csrfToken: await deps.sessions.csrfToken(issued.session.id),
    });

    app.post(
      '/store/customers',
      {
        config: { access: { audience: 'public' }, rateLimit: LOGIN_RATE_LIMIT },
        schema: {
          tags: TAGS,
          summary: 'Register; the answer is the same whether or not the address is taken',
          body: registrationBody,
          response: { 202: acceptedReply },
        },
      },
      async (request, reply) => {
        await registerCustomer(deps, request.body, { requestId: request.id });
        return reply.code(202).send({
          status: 'accepted',
          message: 'Check your mailbox to confirm the address, then log in',
        });
      },
    );

    app.post(
      '/store/sessions',
      {
        config: { access: { audience: 'public' }, rateLimit: LOGIN_RATE_LIMIT },
        schema: {
          tags: TAGS,
          summary: 'Log in: sets the session cookie and returns a bearer token',
          body: loginBody,
          response: { 201: sessionReply },
        },
      },
      async (request, reply) => {
        const { email, password } = request.body;
        const issued = await loginCustomer(deps, email, password, {
          requestId: request.id,
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        });
        setSessionCookie(reply, issued.token);
        return reply.code(201).send(await sessionBody(issued));
      },
    );

    app.get(
      '/store/sessions/current',
      {
        config: { access: { audience: 'customer', purpose: 'account' } },
        schema: {
          tags: TAGS,
          summary: 'The current session',
          response: { 200: currentSessionReply },
        },
      },
      async (request) => {
        const session = sessionOf(request);
        return {
          customerId: session.accountId,
          expiresAt: session.expiresAt.toISOString(),
          csrfToken: await deps.sessions.csrfToken(session.id),
        };
      },
    );

    app.delete(
      '/store/sessions/current',
      {
        config: { access: { audience: 'customer', purpose: 'account' } },
        schema: { tags: TAGS, summary: 'Log out: the session ends on the server' },
      },
      async (request, reply) => {
        if (request.auth.session !== undefined) {
          await logoutCustomer(deps, request.auth.session, {
            requestId: request.id,
            ip: request.ip,
            userAgent: request.headers['user-agent'],
          });
        }
        clearSessionCookie(reply);
        return reply.code(204).send();
      },
    );

    app.get(
      '/store/me',
      {
        config: { access: { audience: 'customer', purpose: 'account' } },
        schema: {
          tags: TAGS,
          summary: 'Your own profile and consents',
          response: { 200: profileReply },
        },
      },
      async (request) => {
        const access = accessOf(request);
        const id = sessionOf(request).accountId;
        const view = await readCustomer(deps, { ...access, action: 'customer.read' }, id);
        const value = (field: keyof typeof view.fields) => {
          const shown = view.fields[field];
          return shown !== undefined && 'value' in shown ? shown.value : null;
        };
        const consents = await deps.consent.current(id);
        return {
          id: view.id,
          email: value('customers.email'),
          name: value('customers.name'),
          phone: value('customers.phone'),
          emailVerified: view.emailVerified,
          createdAt: view.createdAt,
          consents: Object.fromEntries(
            consents.map((state) => [
              state.purpose,
              {
                granted: state.granted,
                policyVersion: state.record?.policyVersion ?? null,
                recordedAt: state.record?.recordedAt.toISOString() ?? null,
              },
            ]),
          ),
        };
      },
    );

    app.put(
      '/store/me/password',
      {
        config: {
          access: { audience: 'customer', purpose: 'account' },
          rateLimit: LOGIN_RATE_LIMIT,
        },
        schema: {
          tags: TAGS,
          summary: 'Change the password (the current one is required); every session ends',
          body: passwordChangeBody,
          response: { 200: sessionReply },
        },
      },
      async (request, reply) => {
        const session = sessionOf(request);
        const { currentPassword, newPassword } = request.body;
        const issued = await changeCustomerPassword(deps, session, currentPassword, newPassword, {
          requestId: request.id,
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        });
        setSessionCookie(reply, issued.token);
        return sessionBody(issued);
      },
    );

    app.post(
      '/store/me/email-verification',
      {
        config: {
          access: { audience: 'customer', purpose: 'account' },
          rateLimit: LOGIN_RATE_LIMIT,
        },
        schema: {
          tags: TAGS,
          summary: 'Send the confirmation link again',
          response: { 202: acceptedReply },
        },
      },
      async (request, reply) => {
        await resendVerification(deps, request.auth.session?.accountId ?? '');
        return reply.code(202).send({ status: 'accepted', message: 'A new link is on its way' });
      },
    );

    app.post(
      '/store/email-verifications',
      {
        config: { access: { audience: 'public' }, rateLimit: LOGIN_RATE_LIMIT },
        schema: {
          tags: TAGS,
          summary: 'Confirm an email address with the token from the link',
          body: verificationBody,
        },
      },
      async (request, reply) => {
        await confirmEmail(deps, request.body.token);
        return reply.code(204).send();
      },
    );
  };
}
