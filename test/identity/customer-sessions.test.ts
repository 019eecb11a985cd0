// C2.3: customer sessions (ASVS V3) — the `__Host-` cookie and bearer tokens, no session
// fixation, server-side logout, idle and absolute expiry, password change ending every
// session, and the anti-CSRF token on cookie-authenticated state changes.
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import {
  bearer,
  loginCustomer,
  registerCustomer,
  syntheticPassword,
  type LoggedIn,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

const COOKIE = '__Host-custodia_session';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const codeOf = (response: LightMyRequestResponse) =>
  response.json<{ error: { code: string } }>().error.code;
const cookieOf = (session: { token: string }) => ({ [COOKIE]: session.token });

describeEachEngine('customer sessions (C2.3)', (engine) => {
  let clock: ManualClock;
  let t: TestApp;
  beforeEach(async () => {
    clock = new ManualClock();
    t = await createTestApp(engine, { clock });
  });
  afterEach(async () => t.close());

  const login = (email: string, password: string, cookies: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/store/sessions', payload: { email, password }, cookies });

  /** The customer id GET /store/me answers for, or the status when it refuses. */
  async function whoAmI(how: {
    headers?: Record<string, string>;
    cookies?: Record<string, string>;
  }) {
    const response = await t.app.inject({ url: '/store/me', ...how });
    return response.statusCode === 200 ? response.json<{ id: string }>().id : response.statusCode;
  }
  const whoByBearer = (session: { token: string }) => whoAmI({ headers: bearer(session) });

  it('sets an HttpOnly, Secure, SameSite=Lax __Host- cookie on Path=/ and returns { token, expiresAt, csrfToken }', async () => {
    const customer = await registerCustomer(t.app);
    const response = await login(customer.email, customer.password);
    expect(response.statusCode).toBe(201);
    const body = response.json<{ token: string; expiresAt: string; csrfToken: string }>();
    expect(Object.keys(body).sort()).toEqual(['csrfToken', 'expiresAt', 'token']);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{22,64}$/);
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(new Date(body.expiresAt).getTime()).toBe(clock.now().getTime() + 30 * MINUTE);
    const cookies = response.cookies.filter((cookie) => cookie.name === COOKIE);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toEqual({
      name: COOKIE,
      value: body.token,
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
    });
    const raw = String(response.headers['set-cookie']);
    for (const attribute of ['Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']) {
      expect(raw.split('; ')).toContain(attribute);
    }
    expect(raw).not.toMatch(/Domain=/i);
  });

  it('authenticates GET /store/me by the cookie and by the bearer token alike', async () => {
    const customer = await registerCustomer(t.app);
    expect(await whoAmI({ cookies: cookieOf(customer) })).toBe(customer.id);
    expect(await whoByBearer(customer)).toBe(customer.id);
    const anonymous = await t.app.inject({ url: '/store/me' });
    expect(anonymous.statusCode).toBe(401);
    expect(codeOf(anonymous)).toBe('AUTHENTICATION_REQUIRED');
    expect(await whoAmI({ cookies: { [COOKIE]: 'forged-token-value' } })).toBe(401);
    expect(await whoByBearer({ token: 'forged-token-value' })).toBe(401);
  });

  it('never adopts a token presented before login: login always issues a new one', async () => {
    const victim = await registerCustomer(t.app);
    const attacker = await registerCustomer(t.app);
    // A token of the attacker's choosing, planted in the victim's browser.
    const planted = 'AAAAAAAAAAAAAAAAAAAAAA';
    const first = await login(victim.email, victim.password, { [COOKIE]: planted });
    expect(first.statusCode).toBe(201);
    const issued = first.json<{ token: string }>();
    expect(issued.token).not.toBe(planted);
    expect(first.cookies.find((cookie) => cookie.name === COOKIE)?.value).toBe(issued.token);
    expect(await whoByBearer({ token: planted })).toBe(401);
    expect(await whoAmI({ cookies: { [COOKIE]: planted } })).toBe(401);
    // The attacker's own live session, planted: it stays the attacker's, never the victim's.
    const second = await login(victim.email, victim.password, cookieOf(attacker));
    const renewed = second.json<{ token: string }>();
    expect(renewed.token).not.toBe(attacker.token);
    expect(await whoByBearer(attacker)).toBe(attacker.id);
    expect(await whoByBearer(renewed)).toBe(victim.id);
    expect(new Set([victim.token, issued.token, renewed.token]).size).toBe(3);
  });

  it('logs out on the server: the token is refused afterwards, other sessions live on', async () => {
    const customer = await registerCustomer(t.app);
    const other = (await login(customer.email, customer.password)).json<{ token: string }>();
    const logout = await t.app.inject({
      method: 'DELETE',
      url: '/store/sessions/current',
      headers: bearer(customer),
    });
    expect(logout.statusCode).toBe(204);
    const cleared = logout.cookies.find((cookie) => cookie.name === COOKIE);
    expect(cleared?.value).toBe('');
    expect(cleared?.expires?.getTime()).toBeLessThanOrEqual(Date.now());
    const after = await t.app.inject({ url: '/store/me', headers: bearer(customer) });
    expect(after.statusCode).toBe(401);
    expect(codeOf(after)).toBe('AUTHENTICATION_REQUIRED');
    expect(await whoAmI({ cookies: cookieOf(customer) })).toBe(401);
    expect(await whoByBearer(other)).toBe(customer.id);
  });

  it('ends a session after 30 minutes unused; use keeps it alive', async () => {
    const customer = await registerCustomer(t.app);
    const idle = (await login(customer.email, customer.password)).json<{ token: string }>();
    clock.advance(29 * MINUTE);
    expect(await whoByBearer(customer)).toBe(customer.id);
    clock.advance(MINUTE);
    expect(await whoByBearer(idle)).toBe(401);
    expect(await whoByBearer(customer)).toBe(customer.id);
    clock.advance(29 * MINUTE);
    expect(await whoByBearer(customer)).toBe(customer.id);
    clock.advance(30 * MINUTE);
    expect(await whoByBearer(customer)).toBe(401);
  });

  it('ends a session 12 hours after login however active it is', async () => {
    const customer = await registerCustomer(t.app);
    const loggedInAt = clock.now().getTime();
    for (let elapsed = 20 * MINUTE; elapsed < 12 * HOUR; elapsed += 20 * MINUTE) {
      clock.advance(20 * MINUTE);
      expect(await whoByBearer(customer), `after ${elapsed / MINUTE} min`).toBe(customer.id);
    }
    const current = await t.app.inject({
      url: '/store/sessions/current',
      headers: bearer(customer),
    });
    expect(new Date(current.json<{ expiresAt: string }>().expiresAt).getTime()).toBe(
      loggedInAt + 12 * HOUR,
    );
    clock.advance(20 * MINUTE);
    expect(await whoByBearer(customer)).toBe(401);
  });

  it('follows CUSTODIA_SESSION_IDLE_MINUTES and CUSTODIA_SESSION_ABSOLUTE_HOURS', async () => {
    const own = new ManualClock();
    const configured = await createTestApp(engine, {
      clock: own,
      env: { CUSTODIA_SESSION_IDLE_MINUTES: '5', CUSTODIA_SESSION_ABSOLUTE_HOURS: '1' },
    });
    try {
      const who = async (session: { token: string }) =>
        (await configured.app.inject({ url: '/store/me', headers: bearer(session) })).statusCode;
      const customer = await registerCustomer(configured.app);
      const second = await configured.app.inject({
        method: 'POST',
        url: '/store/sessions',
        payload: { email: customer.email, password: customer.password },
      });
      const idle = second.json<{ token: string; expiresAt: string }>();
      expect(new Date(idle.expiresAt).getTime()).toBe(own.now().getTime() + 5 * MINUTE);
      own.advance(4 * MINUTE);
      expect(await who(idle)).toBe(200);
      own.advance(5 * MINUTE);
      expect(await who(idle)).toBe(401);
      expect(await who(customer)).toBe(401);
      const active = await loginCustomer(configured.app, customer.email, customer.password);
      for (let elapsed = 4 * MINUTE; elapsed < HOUR; elapsed += 4 * MINUTE) {
        own.advance(4 * MINUTE);
        expect(await who(active)).toBe(200);
      }
      own.advance(4 * MINUTE);
      expect(await who(active)).toBe(401);
    } finally {
      await configured.close();
    }
  });

  it('changes the password only with the current one, ends every session and opens a new one', async () => {
    const customer = await registerCustomer(t.app);
    const device = (await login(customer.email, customer.password)).json<{ token: string }>();
    const newPassword = syntheticPassword();
    const change = (session: LoggedIn, currentPassword: string, next = newPassword) =>
      t.app.inject({
        method: 'PUT',
        url: '/store/me/password',
        headers: bearer(session),
        payload: { currentPassword, newPassword: next },
      });
    const wrong = await change(customer, 'not-the-current-password');
    expect(wrong.statusCode).toBe(401);
    expect(codeOf(wrong)).toBe('INVALID_CREDENTIALS');
    expect(codeOf(await change(customer, customer.password, 'short'))).toBe('PASSWORD_TOO_SHORT');
    expect(await whoByBearer(customer)).toBe(customer.id);
    expect(await whoByBearer(device)).toBe(customer.id);

    const changed = await change(customer, customer.password);
    expect(changed.statusCode).toBe(200);
    const fresh = changed.json<{ token: string; expiresAt: string; csrfToken: string }>();
    expect(Object.keys(fresh).sort()).toEqual(['csrfToken', 'expiresAt', 'token']);
    expect(changed.cookies.find((cookie) => cookie.name === COOKIE)?.value).toBe(fresh.token);
    expect(await whoByBearer(customer)).toBe(401);
    expect(await whoByBearer(device)).toBe(401);
    expect(await whoByBearer(fresh)).toBe(customer.id);
    expect(fresh.csrfToken).not.toBe(customer.csrfToken);

    expect((await login(customer.email, customer.password)).statusCode).toBe(401);
    const relogin = await login(customer.email, newPassword);
    expect(relogin.statusCode).toBe(201);
    expect(await whoByBearer(relogin.json<{ token: string }>())).toBe(customer.id);
  });

  it('refuses a cookie-authenticated state change without the session’s x-csrf-token (403)', async () => {
    const customer = await registerCustomer(t.app);
    const other = await registerCustomer(t.app);
    const logout = (headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'DELETE',
        url: '/store/sessions/current',
        cookies: cookieOf(customer),
        headers,
      });
    const refusals = [
      await logout(),
      await logout({ 'x-csrf-token': other.csrfToken }),
      await logout({ 'x-csrf-token': 'x'.repeat(customer.csrfToken.length) }),
      await t.app.inject({
        method: 'PUT',
        url: '/store/me/password',
        cookies: cookieOf(customer),
        payload: { currentPassword: customer.password, newPassword: syntheticPassword() },
      }),
    ];
    for (const refused of refusals) {
      expect(refused.statusCode).toBe(403);
      expect(codeOf(refused)).toBe('CSRF_TOKEN_INVALID');
    }
    // Nothing changed: the session lives and the password is the old one.
    expect(await whoAmI({ cookies: cookieOf(customer) })).toBe(customer.id);
    expect((await login(customer.email, customer.password)).statusCode).toBe(201);

    const current = await t.app.inject({
      url: '/store/sessions/current',
      cookies: cookieOf(customer),
    });
    expect(current.statusCode).toBe(200);
    expect(current.json<{ csrfToken: string }>().csrfToken).toBe(customer.csrfToken);
    const allowed = await logout({ 'x-csrf-token': customer.csrfToken });
    expect(allowed.statusCode).toBe(204);
    expect(await whoByBearer(customer)).toBe(401);
  });

  it('needs no CSRF token for bearer-authenticated requests or for reads with the cookie', async () => {
    const customer = await registerCustomer(t.app);
    expect(await whoAmI({ cookies: cookieOf(customer) })).toBe(customer.id);
    const resend = await t.app.inject({
      method: 'POST',
      url: '/store/me/email-verification',
      headers: bearer(customer),
    });
    expect(resend.statusCode).toBe(202);
    const logout = await t.app.inject({
      method: 'DELETE',
      url: '/store/sessions/current',
      headers: bearer(customer),
    });
    expect(logout.statusCode).toBe(204);
    expect(await whoByBearer(customer)).toBe(401);
  });
});
