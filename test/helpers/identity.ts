import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../../src/app/build-app.js';
import { currentTotp } from '../../src/identity/mfa/index.js';
import { createStaff } from '../../src/identity/staff/index.js';
import type { TestApp } from './test-app.js';

/** A logged-in account: its id, its bearer token and the session's CSRF token. */
export interface LoggedIn {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
  readonly csrfToken: string;
}

/** A staff account with its second factor, logged in. */
export interface LoggedInStaff extends LoggedIn {
  readonly roles: readonly string[];
  readonly totpSecret: string;
  readonly recoveryCodes: readonly string[];
}

/** A unique synthetic address on a reserved domain. */
export function syntheticEmail(label = 'customer'): string {
  return `${label}-${randomBytes(5).toString('hex')}@example.test`;
}

/** A password that passes the policy and appears in no common list. */
export function syntheticPassword(): string {
  return `pw-${randomBytes(12).toString('base64url')}`;
}

/** The bearer header for a session. */
export function bearer(session: { token: string }): Record<string, string> {
  return { authorization: `Bearer ${session.token}` };
}

/** Registers a customer through the API, then logs in. */
export async function registerCustomer(
  app: App,
  input: {
    email?: string;
    name?: string;
    password?: string;
    phone?: string;
    consents?: Record<string, boolean>;
  } = {},
): Promise<LoggedIn> {
  const email = input.email ?? syntheticEmail();
  const password = input.password ?? syntheticPassword();
  const registered = await app.inject({
    method: 'POST',
    url: '/store/customers',
    payload: {
      email,
      name: input.name ?? 'Test Customer',
      password,
      ...(input.phone === undefined ? {} : { phone: input.phone }),
      ...(input.consents === undefined ? {} : { consents: input.consents }),
    },
  });
  if (registered.statusCode !== 202) throw new Error(`registration failed: ${registered.body}`);
  return loginCustomer(app, email, password);
}

/** Logs a customer in through the API. */
export async function loginCustomer(app: App, email: string, password: string): Promise<LoggedIn> {
  const login = await app.inject({
    method: 'POST',
    url: '/store/sessions',
    payload: { email, password },
  });
  if (login.statusCode !== 201) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const body = login.json<{ token: string; csrfToken: string }>();
  const me = await app.inject({ url: '/store/sessions/current', headers: bearer(body) });
  const { customerId } = me.json<{ customerId: string }>();
  return { id: customerId, email, password, token: body.token, csrfToken: body.csrfToken };
}

/** Creates a staff account directly (as `custodia staff create` does) and logs in with TOTP. */
export async function createLoggedInStaff(
  t: TestApp,
  roles: readonly string[],
): Promise<LoggedInStaff> {
  const email = syntheticEmail('staff');
  const password = syntheticPassword();
  const created = await createStaff(
    t.app.identity.staff,
    { email, roles, password },
    { kind: 'system', name: 'test' },
    null,
  );
  const enrolment = created.enrolment;
  if (enrolment === undefined) throw new Error('staff created without enrolment');
  const login = await t.app.inject({
    method: 'POST',
    url: '/admin/sessions',
    payload: {
      email,
      password,
      totp: currentTotp(enrolment.totpSecret, t.app.identity.staff.clock.now()),
    },
  });
  if (login.statusCode !== 201)
    throw new Error(`staff login failed: ${login.statusCode} ${login.body}`);
  const body = login.json<{ token: string; csrfToken: string }>();
  return {
    id: created.id,
    email,
    password,
    roles,
    token: body.token,
    csrfToken: body.csrfToken,
    totpSecret: enrolment.totpSecret,
    recoveryCodes: enrolment.recoveryCodes,
  };
}

/** The messages the development mailer wrote, oldest first. */
export function sentMail(mailDir: string): { file: string; text: string }[] {
  let files: string[];
  try {
    files = readdirSync(mailDir)
      .filter((file) => file.endsWith('.eml'))
      .sort();
  } catch {
    return [];
  }
  return files.map((file) => ({ file, text: readFileSync(join(mailDir, file), 'utf8') }));
}
