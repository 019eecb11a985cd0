import { randomBytes } from 'node:crypto';
import { currentTotp } from '../../identity/mfa/index.js';
import { createStaff, type StaffDeps } from '../../identity/staff/index.js';
import type { DemoClient } from './demo-client.js';
import type { DEMO_ROLES } from './demo-data.js';

/** A demo staff account as printed for the person looking around. */
export interface DemoStaffLogin {
  readonly role: (typeof DEMO_ROLES)[number];
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly totpSecret: string;
  readonly otpauthUri: string;
}

/** A random password: 16 bytes, base64url, well past the password rules. */
export const demoPassword = () => randomBytes(16).toString('base64url');

/**
 * Creates the demo's account of one role, as `custodia staff create` does: through
 * createStaff, so the account has its vault-sealed email, an Argon2id password hash, an
 * enrolled authenticator and an audit event.
 */
export async function createDemoStaffMember(
  staff: StaffDeps,
  tag: string,
  role: (typeof DEMO_ROLES)[number],
): Promise<DemoStaffLogin> {
  const email = `${role.replace('_', '-')}.${tag}@example.test`;
  const password = demoPassword();
  const created = await createStaff(
    staff,
    { email, roles: [role], password },
    { kind: 'system', name: 'demo' },
    null,
  );
  const enrolment = created.enrolment;
  if (enrolment === undefined) throw new Error('staff account created without an authenticator');
  return {
    role,
    id: created.id,
    email,
    password,
    totpSecret: enrolment.totpSecret,
    otpauthUri: enrolment.otpauthUri,
  };
}

/** Logs a demo staff member in through `POST /admin/sessions` with a current TOTP code. */
export async function staffSession(
  staff: StaffDeps,
  client: DemoClient,
  login: DemoStaffLogin,
): Promise<string> {
  const { token } = await client.send<{ token: string }>('POST', '/admin/sessions', {
    body: {
      email: login.email,
      password: login.password,
      totp: currentTotp(login.totpSecret, staff.clock.now()),
    },
    step: `staff login (${login.role})`,
  });
  return token;
}
