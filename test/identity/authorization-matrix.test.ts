// C2.3: the authorisation matrix. Every route the app declares, times every actor (nobody,
// a customer on their own record, a customer naming another's, each default staff role),
// is sent a valid request and its answer compared with the hand-written table in
// route-expectations.ts. A declared route without an expectation fails, and so does an
// expectation for a route that does not exist.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueVerificationToken } from '../../src/identity/customers/email-verification.js';
import { createStaff } from '../../src/identity/staff/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import {
  bearer,
  registerCustomer,
  syntheticEmail,
  syntheticPassword,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { createMatrixShop } from './matrix-shop.js';
import {
  MATRIX_ACTORS,
  ROLE_PURPOSES,
  ROUTE_EXPECTATIONS,
  SAMPLE_REQUESTS,
  STAFF_ROLES,
  type MatrixActor,
  type MatrixFixture,
  type MatrixStaff,
  type RouteExpectation,
  type StaffRole,
} from './route-expectations.js';

const BY_TEST = { kind: 'system', name: 'test' } as const;

async function newStaff(t: TestApp, roles: readonly string[]): Promise<MatrixStaff> {
  const email = syntheticEmail('staff');
  const password = syntheticPassword();
  const created = await createStaff(
    t.app.identity.staff,
    { email, roles, password },
    BY_TEST,
    null,
  );
  if (created.enrolment === undefined) throw new Error('staff created without enrolment');
  return { id: created.id, email, password, recoveryCodes: [...created.enrolment.recoveryCodes] };
}

async function createFixture(t: TestApp): Promise<MatrixFixture> {
  const self = await registerCustomer(t.app, { name: 'Matrix Self' });
  const target = await registerCustomer(t.app, { name: 'Matrix Target', phone: '+31 20 555 0142' });
  const login = await registerCustomer(t.app, { name: 'Matrix Login' });
  const staff = {} as Record<StaffRole, MatrixStaff>;
  for (const role of STAFF_ROLES) staff[role] = await newStaff(t, [role]);
  const customers = t.app.identity.customers;
  const shop = await createMatrixShop(t, { self, target, fulfilment: staff.fulfilment });
  return {
    shop,
    self: { id: self.id, password: self.password },
    target: { id: target.id },
    loginCustomer: { email: login.email, password: login.password },
    loginStaff: await newStaff(t, ['fulfilment']),
    staff,
    verificationToken: () =>
      customers.db
        .transaction()
        .execute((trx) => issueVerificationToken(trx, login.id, customers.clock.now())),
    setupToken: async () => {
      const created = await createStaff(
        t.app.identity.staff,
        { email: syntheticEmail('staff'), roles: ['fulfilment'] },
        BY_TEST,
        null,
      );
      if (created.setup === undefined) throw new Error('staff created without a set-up token');
      return created.setup.token;
    },
  };
}

const isCustomerActor = (actor: MatrixActor) => actor === 'customer' || actor === 'customer_other';

/** The actors a route is tried with: the other customer only where a record is named. */
function actorsFor(url: string): MatrixActor[] {
  return MATRIX_ACTORS.filter((actor) => actor !== 'customer_other' || url.includes('/:id'));
}

/**
 * The path with its parameters filled: from the sample where it names them, otherwise
 * `:id` is the actor's own record for the customer and the target's for all others.
 */
function pathFor(
  url: string,
  actor: MatrixActor,
  fixture: MatrixFixture,
  params: Record<string, string> | undefined,
): string {
  if (params !== undefined) {
    return url.replace(/:([A-Za-z]+)/g, (whole, name: string) => params[name] ?? whole);
  }
  const id = actor === 'customer' ? fixture.self.id : fixture.target.id;
  const path = url.replace(/\/:id(?=\/|$)/, `/${id}`);
  if (path.includes('/:')) throw new Error(`${url}: the matrix has no value for its parameters`);
  return path;
}

/** What a refusal of this actor looks like: 401 for nobody, else 403 with the reason. */
function expectedRefusal(
  actor: MatrixActor,
  url: string,
  expectation: RouteExpectation,
): { status: number; code: string } {
  if (actor === 'anonymous') return { status: 401, code: 'AUTHENTICATION_REQUIRED' };
  if (actor === 'customer_other' && expectation.other !== undefined) return expectation.other;
  // The Store API is the customers', the Admin API the staff's (DESIGN.md: HTTP).
  const customerArea = url.startsWith('/store/');
  if (isCustomerActor(actor) !== customerArea) return { status: 403, code: 'WRONG_AUDIENCE' };
  return { status: 403, code: 'PERMISSION_DENIED' };
}

function errorCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

describeEachEngine('C2.3 authorisation matrix: every declared route × every actor', (engine) => {
  let t: TestApp;
  let fixture: MatrixFixture;
  beforeAll(async () => {
    t = await createTestApp(engine);
    fixture = await createFixture(t);
  });
  afterAll(async () => t.close());

  /** A fresh session per request, so logging out or changing a password disturbs no other cell. */
  async function credentialsOf(actor: MatrixActor): Promise<Record<string, string>> {
    if (actor === 'anonymous') return {};
    const sessions = t.app.identity.customers.sessions;
    const issued = isCustomerActor(actor)
      ? await sessions.create('customer', fixture.self.id)
      : await sessions.create('staff', fixture.staff[actor].id);
    return bearer(issued);
  }

  it('has an expectation and a sample request for every declared route, and none for a route that does not exist', () => {
    const declared = t.app.identity.routes.map((route) => `${route.method} ${route.url}`);
    expect(declared.length).toBeGreaterThan(0);
    expect(new Set(declared).size).toBe(declared.length);
    expect(Object.keys(ROUTE_EXPECTATIONS).sort()).toEqual([...declared].sort());
    expect(Object.keys(SAMPLE_REQUESTS).sort()).toEqual([...declared].sort());
  });

  it('covers each declared route with every actor that applies to it', () => {
    const cells = t.app.identity.routes.flatMap((route) => actorsFor(route.url));
    const withId = t.app.identity.routes.filter((route) => route.url.includes('/:id')).length;
    expect(cells.length).toBe(t.app.identity.routes.length * (MATRIX_ACTORS.length - 1) + withId);
  });

  for (const [key, expectation] of Object.entries(ROUTE_EXPECTATIONS)) {
    const title = MATRIX_ACTORS.every((actor) => expectation.allow.includes(actor))
      ? 'is open to every actor'
      : `lets through ${expectation.allow.join(', ') || 'nobody'}, and refuses every other actor`;
    it(`${key} ${title}`, async () => {
      const route = t.app.identity.routes.find((r) => `${r.method} ${r.url}` === key);
      expect(route, `${key} is not a declared route`).toBeDefined();
      const sample = SAMPLE_REQUESTS[key];
      expect(sample, `${key} has no sample request`).toBeDefined();
      if (route === undefined || sample === undefined) return;
      const mismatches: string[] = [];
      const refusedRequests: string[] = [];
      for (const actor of actorsFor(route.url)) {
        const allowed = expectation.allow.includes(actor);
        const request = await sample({ actor, fixture, allowed });
        const headers: Record<string, string> = {
          ...(await credentialsOf(actor)),
          ...request.headers,
        };
        const purpose = isCustomerActor(actor) ? undefined : ROLE_PURPOSES[actor as StaffRole];
        if (
          purpose !== undefined &&
          route.access.audience === 'staff' &&
          route.access.purposes.includes(purpose)
        ) {
          headers['x-custodia-purpose'] = purpose;
        }
        const response = await t.app.inject({
          method: route.method as 'GET',
          url: pathFor(route.url, actor, fixture, request.params),
          headers,
          // One address per actor: the tight per-route limits (login, reveal) count each alone.
          remoteAddress: `198.51.100.${MATRIX_ACTORS.indexOf(actor) + 10}`,
          ...(request.body === undefined ? {} : { payload: request.body }),
        });
        const got = `${response.statusCode} ${errorCode(response.body) ?? ''}`.trim();
        if (allowed) {
          if (response.statusCode !== expectation.ok) {
            mismatches.push(`${actor}: expected ${expectation.ok}, got ${got}`);
          }
          continue;
        }
        const refusal = expectedRefusal(actor, route.url, expectation);
        if (got !== `${refusal.status} ${refusal.code}`) {
          mismatches.push(`${actor}: expected ${refusal.status} ${refusal.code}, got ${got}`);
        }
        const requestId = response.headers['x-request-id'];
        if (response.statusCode === 403 && typeof requestId === 'string') {
          refusedRequests.push(requestId);
        }
      }
      expect(mismatches).toEqual([]);
      // Every refusal of a logged-in caller is evidence (C2.4): one denied audit event each.
      if (refusedRequests.length === 0) return;
      const events = await tablesOf<AuditTables>(t.database.db)
        .selectFrom('audit_events')
        .select(['request_id', 'action', 'decision', 'outcome'])
        .where('request_id', 'in', refusedRequests)
        .execute();
      expect(events.map((event) => event.request_id).sort()).toEqual([...refusedRequests].sort());
      for (const event of events) {
        expect(event).toMatchObject({
          action: `route.${key}`,
          decision: 'deny',
          outcome: 'denied',
        });
      }
    });
  }
});
