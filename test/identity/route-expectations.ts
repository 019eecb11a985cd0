// The authorisation matrix, written by hand (C2.3). Who may call each route comes from the
// intent of the roles (DESIGN.md: Access, HTTP; the role descriptions in default-roles.ts),
// never from the policy code: the matrix test compares what the app does with this table.
import type { Purpose } from '../../src/privacy/inventory/index.js';
import { syntheticEmail, syntheticPassword } from '../helpers/identity.js';
import {
  COMMERCE_ROUTE_EXPECTATIONS,
  COMMERCE_SAMPLE_REQUESTS,
} from './commerce-route-expectations.js';
import type { MatrixShop } from './matrix-shop.js';

/** The default staff roles, one actor each. */
export const STAFF_ROLES = [
  'support_agent',
  'fulfilment',
  'finance',
  'privacy_officer',
  'security_officer',
  'admin',
] as const;

/** A default staff role. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Who sends a request: nobody logged in, a customer on their own record, a customer naming
 * another customer's record (routes with `:id` only), or a staff member of one role.
 */
export type MatrixActor = 'anonymous' | 'customer' | 'customer_other' | StaffRole;

/** Every actor, in the order the matrix walks them. */
export const MATRIX_ACTORS: readonly MatrixActor[] = [
  'anonymous',
  'customer',
  'customer_other',
  ...STAFF_ROLES,
];

/** The purpose each role does its work for, named in `x-custodia-purpose` where a route serves it. */
export const ROLE_PURPOSES: Readonly<Record<StaffRole, Purpose>> = {
  support_agent: 'customer_support',
  fulfilment: 'order_fulfilment',
  finance: 'refund',
  privacy_officer: 'privacy_request',
  security_officer: 'identity_verification',
  admin: 'customer_support',
};

/** Who may call a route, and what an allowed caller's sample request answers. */
export interface RouteExpectation {
  readonly allow: readonly MatrixActor[];
  /** The status of an allowed actor's sample request. */
  readonly ok: number;
  /**
   * What a customer naming another customer's record gets on a Store API route: the
   * record does not exist for them (404), rather than a refusal that confirms it does.
   */
  readonly other?: { readonly status: number; readonly code: string };
}

// Public routes reach nobody's data but the caller's own credentials: anyone may call them.
const EVERYONE = MATRIX_ACTORS;
// The Store API is for customers on their own data only.
const CUSTOMER: readonly MatrixActor[] = ['customer'];
// Every staff member manages their own session.
const ALL_STAFF: readonly MatrixActor[] = STAFF_ROLES;
// Customer records: support answers customers, the privacy officer handles their requests,
// the security officer checks identities, admin oversees accounts (masked only). Fulfilment
// and finance work on orders and payments, not on customer records.
const CUSTOMER_READERS: readonly MatrixActor[] = [
  'support_agent',
  'privacy_officer',
  'security_officer',
  'admin',
];
// Reveal with a reason: every reader but admin, who never sees customer data in the clear.
const CUSTOMER_REVEALERS: readonly MatrixActor[] = [
  'support_agent',
  'privacy_officer',
  'security_officer',
];
// Only admin configures staff.
const STAFF_MANAGERS: readonly MatrixActor[] = ['admin'];
// The audit log: the security officer investigates misuse, the privacy officer answers
// customers' requests. Admin configures the shop but does not police its staff, and
// support, fulfilment and finance have no reason to read who did what.
const AUDIT_READERS: readonly MatrixActor[] = ['privacy_officer', 'security_officer'];

/** The expectation for every route the app declares, keyed `METHOD url` (none left out). */
export const ROUTE_EXPECTATIONS: Readonly<Record<string, RouteExpectation>> = {
  'POST /store/customers': { allow: EVERYONE, ok: 202 },
  'POST /store/sessions': { allow: EVERYONE, ok: 201 },
  'GET /store/sessions/current': { allow: CUSTOMER, ok: 200 },
  'DELETE /store/sessions/current': { allow: CUSTOMER, ok: 204 },
  'GET /store/me': { allow: CUSTOMER, ok: 200 },
  'PUT /store/me/password': { allow: CUSTOMER, ok: 200 },
  'POST /store/me/email-verification': { allow: CUSTOMER, ok: 202 },
  'POST /store/email-verifications': { allow: EVERYONE, ok: 204 },
  'POST /admin/sessions': { allow: EVERYONE, ok: 201 },
  'GET /admin/sessions/current': { allow: ALL_STAFF, ok: 200 },
  'DELETE /admin/sessions/current': { allow: ALL_STAFF, ok: 204 },
  'POST /admin/sessions/current/reauth': { allow: ALL_STAFF, ok: 204 },
  'POST /admin/staff': { allow: STAFF_MANAGERS, ok: 201 },
  'GET /admin/staff': { allow: STAFF_MANAGERS, ok: 200 },
  'POST /admin/staff-setup': { allow: EVERYONE, ok: 200 },
  'GET /admin/customers': { allow: CUSTOMER_READERS, ok: 200 },
  'GET /admin/customers/:id': { allow: CUSTOMER_READERS, ok: 200 },
  'POST /admin/customers/:id/reveal': { allow: CUSTOMER_REVEALERS, ok: 200 },
  'GET /admin/audit/events': { allow: AUDIT_READERS, ok: 200 },
  // Every customer reads their own history; no parameter names another customer.
  'GET /store/me/access-history': { allow: CUSTOMER, ok: 200 },
  ...COMMERCE_ROUTE_EXPECTATIONS,
};

/** A staff account the matrix acts as, with what its owner proves at re-authentication. */
export interface MatrixStaff {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  /** One-time codes; each sample that proves a second factor takes one. */
  readonly recoveryCodes: string[];
}

/** The accounts and one-time tokens the sample requests are built from. */
export interface MatrixFixture {
  /** The customer acting on their own record. */
  readonly self: { readonly id: string; readonly password: string };
  /** The customer whose record staff, and the other customer, name in `:id`. */
  readonly target: { readonly id: string };
  /** A customer whose credentials the login sample uses. */
  readonly loginCustomer: { readonly email: string; readonly password: string };
  /** A staff account whose credentials the staff login sample uses. */
  readonly loginStaff: MatrixStaff;
  readonly staff: Readonly<Record<StaffRole, MatrixStaff>>;
  /** A fresh, unused email verification token. */
  verificationToken(): Promise<string>;
  /** A fresh, unused staff set-up token. */
  setupToken(): Promise<string>;
  /** Products, carts, orders, shipments and tickets to name in shop routes. */
  readonly shop: MatrixShop;
}

/** One cell of the matrix: the actor and the accounts to build the request from. */
export interface MatrixCell {
  readonly actor: MatrixActor;
  readonly fixture: MatrixFixture;
  /** Whether the table lets this actor through: samples make fresh records only then. */
  readonly allowed: boolean;
}

/** What a sample request sends besides the actor's credentials and the `:id`. */
export interface SampleRequest {
  readonly body?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  /** Values for the path's parameters; without them `:id` names a customer. */
  readonly params?: Record<string, string>;
}

type Sample = (cell: MatrixCell) => SampleRequest | Promise<SampleRequest>;

function takeCode(staff: MatrixStaff): string {
  const code = staff.recoveryCodes.shift();
  if (code === undefined) throw new Error('the fixture ran out of recovery codes');
  return code;
}

/** A staff actor's own account; undefined for customers and anonymous callers. */
function staffOf(cell: MatrixCell): MatrixStaff | undefined {
  const { actor, fixture } = cell;
  return (STAFF_ROLES as readonly string[]).includes(actor)
    ? fixture.staff[actor as StaffRole]
    : undefined;
}

const NONE: Sample = () => ({});
const REVEAL_REASON = 'Ticket SUP-1042: the caller asked us to confirm the address on file';

/** A valid sample request for every route, keyed like ROUTE_EXPECTATIONS. */
export const SAMPLE_REQUESTS: Readonly<Record<string, Sample>> = {
  'POST /store/customers': () => ({
    body: { email: syntheticEmail(), name: 'Matrix Sample', password: syntheticPassword() },
  }),
  'POST /store/sessions': ({ fixture }) => ({ body: { ...fixture.loginCustomer } }),
  'GET /store/sessions/current': NONE,
  'DELETE /store/sessions/current': NONE,
  'GET /store/me': NONE,
  'PUT /store/me/password': ({ fixture }) => ({
    body: { currentPassword: fixture.self.password, newPassword: syntheticPassword() },
  }),
  'POST /store/me/email-verification': NONE,
  'POST /store/email-verifications': async ({ fixture }) => ({
    body: { token: await fixture.verificationToken() },
  }),
  'POST /admin/sessions': ({ fixture }) => ({
    body: {
      email: fixture.loginStaff.email,
      password: fixture.loginStaff.password,
      recoveryCode: takeCode(fixture.loginStaff),
    },
  }),
  'GET /admin/sessions/current': NONE,
  'DELETE /admin/sessions/current': NONE,
  'POST /admin/sessions/current/reauth': (cell) => {
    const staff = staffOf(cell);
    // Callers without a staff account have nothing to prove; a well-formed body still goes.
    if (staff === undefined) return { body: { password: syntheticPassword(), totp: '000000' } };
    return { body: { password: staff.password, recoveryCode: takeCode(staff) } };
  },
  'POST /admin/staff': () => ({
    body: { email: syntheticEmail('staff'), roles: ['support_agent'] },
  }),
  'GET /admin/staff': NONE,
  'POST /admin/staff-setup': async ({ fixture }) => ({
    body: { token: await fixture.setupToken(), password: syntheticPassword() },
  }),
  'GET /admin/customers': NONE,
  'GET /admin/customers/:id': NONE,
  'POST /admin/customers/:id/reveal': () => ({
    body: { fields: ['email'], reason: REVEAL_REASON },
  }),
  'GET /admin/audit/events': NONE,
  'GET /store/me/access-history': NONE,
  ...COMMERCE_SAMPLE_REQUESTS,
};
