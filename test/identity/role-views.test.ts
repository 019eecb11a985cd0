// C2.5, C3.2: what each role sees of a customer record, field by field and view by view;
// C1.4: a read names a purpose the route serves; C3.3: every read is an audit event that
// carries actor, role, purpose, categories and decision, and no personal data.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerCustomer as registerDirectly } from '../../src/identity/customers/index.js';
import { createStaff } from '../../src/identity/staff/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import {
  bearer,
  registerCustomer,
  syntheticEmail,
  syntheticPassword,
  type LoggedIn,
} from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { STAFF_ROLES, type StaffRole } from './route-expectations.js';

type Shown = { view: 'clear' | 'masked'; value: string } | { view: 'erased' | 'absent' };
interface CustomerReply {
  id: string;
  emailVerified: boolean;
  createdAt: string;
  fields: Partial<Record<'email' | 'name' | 'phone', Shown>>;
}
interface Reply {
  readonly statusCode: number;
  readonly body: string;
  readonly headers: Record<string, unknown>;
  json<T>(): T;
}

const NAME = 'Alva Lindqvist';
const PHONE = '+31 20 555 0123';
// The first letter of `customer-…@example.test`, then a fixed mark, then the domain.
const MASKED_EMAIL = 'c•••@example.test';
const ALL_CATEGORIES = '["registration.email","registration.name","registration.phone"]';
// Customers besides Alva: with her, one more than a full page of 50.
const EXTRA_CUSTOMERS = 50;

const codeOf = (reply: Reply) => reply.json<{ error?: { code?: string } }>().error?.code;
const outcome = (reply: Reply) => `${reply.statusCode} ${codeOf(reply) ?? ''}`.trim();
const requestIdOf = (reply: Reply) => String(reply.headers['x-request-id']);

describeEachEngine('C2.5 C3.2 C1.4 C3.3 customer views per role, purposes and audit', (engine) => {
  let t: TestApp;
  let alva: LoggedIn;
  const staff = {} as Record<StaffRole, string>;

  /** The pieces of Alva's data no masked value may contain (the email's domain is shown). */
  const secrets = () => [
    alva.email,
    alva.email.split('@')[0] ?? '',
    NAME,
    ...NAME.split(' '),
    PHONE,
    '555 0123',
    '205550123',
  ];

  beforeAll(async () => {
    t = await createTestApp(engine);
    alva = await registerCustomer(t.app, {
      email: syntheticEmail('customer'),
      name: NAME,
      phone: PHONE,
    });
    for (const role of STAFF_ROLES) {
      const created = await createStaff(
        t.app.identity.staff,
        { email: syntheticEmail('staff'), roles: [role], password: syntheticPassword() },
        { kind: 'system', name: 'test' },
        null,
      );
      staff[role] = created.id;
    }
    const customers = t.app.identity.customers;
    await Promise.all(
      Array.from({ length: EXTRA_CUSTOMERS }, (_, i) =>
        registerDirectly(
          customers,
          {
            email: syntheticEmail('listed'),
            name: `Listed Person ${i}`,
            password: syntheticPassword(),
          },
          { requestId: `req_list_${i}` },
        ),
      ),
    );
  });
  afterAll(async () => t.close());

  async function as(role: StaffRole, url: string, purpose?: string, payload?: object) {
    const issued = await t.app.identity.customers.sessions.create('staff', staff[role]);
    return t.app.inject({
      method: payload === undefined ? 'GET' : 'POST',
      url,
      // One address per role, so the tight reveal limit counts each role's requests alone.
      remoteAddress: `198.51.100.${STAFF_ROLES.indexOf(role) + 10}`,
      headers: {
        ...bearer(issued),
        ...(purpose === undefined ? {} : { 'x-custodia-purpose': purpose }),
      },
      ...(payload === undefined ? {} : { payload }),
    });
  }
  const read = (role: StaffRole, purpose?: string) =>
    as(role, `/admin/customers/${alva.id}`, purpose);
  const reveal = (role: StaffRole, purpose?: string) =>
    as(role, `/admin/customers/${alva.id}/reveal`, purpose, {
      fields: ['email', 'name', 'phone'],
      reason: 'Ticket SUP-2201: the customer asked us to check their details',
    });
  const masked = (value: string) => ({ view: 'masked', value });
  const allMasked = () => ({
    email: masked(MASKED_EMAIL),
    name: masked('A. L.'),
    phone: masked('•••• 23'),
  });
  /** The purposes the customer record route serves, as it declares them. */
  const servedPurposes = () => {
    const route = t.app.identity.routes.find(
      (r) => r.method === 'GET' && r.url === '/admin/customers/:id',
    );
    return route?.access.audience === 'staff' ? [...route.access.purposes] : [];
  };
  const auditRows = (requestId: string) =>
    tablesOf<AuditTables>(t.database.db)
      .selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();

  it('shows support_agent email, name and phone masked, and no other field', async () => {
    const reply = await read('support_agent');
    expect(reply.statusCode).toBe(200);
    const body = reply.json<CustomerReply>();
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'emailVerified', 'fields', 'id']);
    expect(body.id).toBe(alva.id);
    expect(body.fields).toEqual(allMasked());
  });

  it('lets support_agent reveal with a reason, recorded as a clear read', async () => {
    const reply = await reveal('support_agent');
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({ fields: { email: alva.email, name: NAME, phone: PHONE } });
    const [event] = await auditRows(requestIdOf(reply));
    expect(event).toMatchObject({
      action: 'customer.reveal',
      decision: 'clear',
      outcome: 'success',
    });
  });

  it('limits reveals per client on their own counter: other limited routes do not spend it', async () => {
    const remoteAddress = '198.51.100.200';
    for (let i = 0; i < 10; i++) {
      const other = await t.app.inject({
        method: 'POST',
        url: '/store/email-verifications',
        remoteAddress,
        payload: { token: `unknown-${i}` },
      });
      expect(other.statusCode).toBe(400);
    }
    // A support agent of their own, who has revealed nothing yet this minute.
    const fresh = await createStaff(
      t.app.identity.staff,
      { email: syntheticEmail('staff'), roles: ['support_agent'], password: syntheticPassword() },
      { kind: 'system', name: 'test' },
      null,
    );
    const issued = await t.app.identity.customers.sessions.create('staff', fresh.id);
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) {
      const reply = await t.app.inject({
        method: 'POST',
        url: `/admin/customers/${alva.id}/reveal`,
        remoteAddress,
        headers: bearer(issued),
        payload: { fields: ['email'], reason: 'Ticket SUP-2202: confirming the address on file' },
      });
      codes.push(reply.statusCode);
    }
    expect(codes).toEqual([...Array<number>(10).fill(200), 429]);
  });

  it('shows admin customer records masked by default, never in the clear for any purpose, and never reveals', async () => {
    expect((await read('admin')).json<CustomerReply>().fields).toEqual(allMasked());
    const purposes = servedPurposes();
    expect(purposes.length).toBeGreaterThan(1);
    for (const purpose of purposes) {
      const reply = await read('admin', purpose);
      expect(reply.statusCode, purpose).toBe(200);
      for (const shown of Object.values(reply.json<CustomerReply>().fields)) {
        expect(shown.view, purpose).not.toBe('clear');
      }
      const refused = await reveal('admin', purpose);
      expect(refused.statusCode, purpose).toBe(403);
      expect(['REVEAL_DENIED', 'PERMISSION_DENIED']).toContain(codeOf(refused));
      for (const secret of secrets()) expect(refused.body).not.toContain(secret);
    }
  });

  it('refuses fulfilment and finance, who hold no customers.read, the record, the list and the reveal', async () => {
    for (const role of ['fulfilment', 'finance'] as const) {
      expect(outcome(await read(role)), role).toBe('403 PERMISSION_DENIED');
      expect(outcome(await as(role, '/admin/customers')), role).toBe('403 PERMISSION_DENIED');
      expect(outcome(await reveal(role)), role).toBe('403 PERMISSION_DENIED');
    }
  });

  it('shows privacy_officer every field masked for privacy_request, and nothing for support work', async () => {
    expect((await read('privacy_officer', 'privacy_request')).json<CustomerReply>().fields).toEqual(
      allMasked(),
    );
    const other = await read('privacy_officer', 'customer_support');
    expect(other.statusCode).toBe(200);
    expect(other.json<CustomerReply>().fields).toEqual({});
  });

  it('shows security_officer the email masked for identity_verification, and nothing else', async () => {
    const reply = await read('security_officer', 'identity_verification');
    expect(reply.json<CustomerReply>().fields).toEqual({ email: masked(MASKED_EMAIL) });
  });

  it('refuses a purpose the route does not serve with 400 PURPOSE_NOT_SERVED', async () => {
    const served = servedPurposes();
    for (const purpose of ['marketing', 'account', 'service_improvement', 'shipping', 'whatever']) {
      expect(served).not.toContain(purpose);
      const reply = await read('support_agent', purpose);
      expect(outcome(reply), purpose).toBe('400 PURPOSE_NOT_SERVED');
      for (const secret of secrets()) expect(reply.body).not.toContain(secret);
      const list = await as('support_agent', '/admin/customers', purpose);
      expect(outcome(list), purpose).toBe('400 PURPOSE_NOT_SERVED');
    }
  });

  it('shows the customer their own record in the clear on GET /store/me', async () => {
    const reply = await t.app.inject({ url: '/store/me', headers: bearer(alva) });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({
      id: alva.id,
      email: alva.email,
      name: NAME,
      phone: PHONE,
    });
  });

  it('never lets a masked value contain the clear value, for any role and purpose', async () => {
    let seen = 0;
    for (const role of STAFF_ROLES) {
      for (const purpose of servedPurposes()) {
        const reply = await read(role, purpose);
        if (reply.statusCode !== 200) continue;
        for (const shown of Object.values(reply.json<CustomerReply>().fields)) {
          expect(shown.view, `${role} ${purpose}`).toBe('masked');
          if (shown.view !== 'masked') continue;
          seen += 1;
          for (const secret of secrets()) expect(shown.value).not.toContain(secret);
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('lists customers newest first, masked, at most 50 a page, with a next cursor through all of them', async () => {
    const first = await as('support_agent', '/admin/customers?limit=50');
    expect(first.statusCode).toBe(200);
    const page = first.json<{ customers: CustomerReply[]; next: string | null }>();
    expect(page.customers).toHaveLength(50);
    expect(page.next).not.toBeNull();
    const times = page.customers.map((customer) => customer.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    for (const customer of page.customers) {
      // Listed customers gave no phone: absent, which is no disclosure either.
      for (const shown of Object.values(customer.fields)) {
        expect(['masked', 'absent']).toContain(shown.view);
      }
      expect(customer.fields.email?.view).toBe('masked');
    }
    expect(outcome(await as('support_agent', '/admin/customers?limit=51'))).toBe(
      '400 VALIDATION_FAILED',
    );
    const byDefault = await as('support_agent', '/admin/customers');
    expect(byDefault.json<{ customers: unknown[] }>().customers).toHaveLength(20);

    const ids: string[] = [];
    let next: string | null = '';
    while (next !== null) {
      const query: string = next === '' ? '' : `&after=${encodeURIComponent(next)}`;
      const reply = await as('support_agent', `/admin/customers?limit=50${query}`);
      const body = reply.json<{ customers: CustomerReply[]; next: string | null }>();
      ids.push(...body.customers.map((customer) => customer.id));
      next = body.next;
    }
    expect(ids).toHaveLength(EXTRA_CUSTOMERS + 1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(alva.id);
  });

  it('finds exactly one customer by exact email, masked, and none by an address nobody has', async () => {
    const found = await as(
      'support_agent',
      `/admin/customers?email=${encodeURIComponent(alva.email)}`,
    );
    const body = found.json<{ customers: CustomerReply[]; next: string | null }>();
    expect(body.customers.map((customer) => customer.id)).toEqual([alva.id]);
    expect(body.customers[0]?.fields).toEqual(allMasked());
    expect(body.next).toBeNull();
    const nobody = await as('support_agent', `/admin/customers?email=${syntheticEmail('nobody')}`);
    expect(nobody.json<{ customers: unknown[] }>().customers).toEqual([]);
  });

  it('records every read in audit_events with actor, role, purpose, categories and decision', async () => {
    const expectOne = async (reply: Reply, expected: Record<string, unknown>) => {
      const rows = await auditRows(requestIdOf(reply));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject(expected);
    };
    const subject = { subject_id: alva.id, action: 'customer.read' };
    await expectOne(await read('support_agent'), {
      ...subject,
      actor_id: staff.support_agent,
      actor_role: 'support_agent',
      purpose: 'customer_support',
      categories: ALL_CATEGORIES,
      decision: 'masked',
      outcome: 'success',
    });
    await expectOne(await read('security_officer', 'identity_verification'), {
      ...subject,
      actor_role: 'security_officer',
      purpose: 'identity_verification',
      categories: '["registration.email"]',
      decision: 'masked',
    });
    await expectOne(await read('privacy_officer'), {
      ...subject,
      actor_role: 'privacy_officer',
      purpose: 'customer_support',
      categories: ALL_CATEGORIES,
      decision: 'deny',
      outcome: 'denied',
    });
    await expectOne(await read('finance'), {
      actor_id: staff.finance,
      actor_role: 'finance',
      action: 'route.GET /admin/customers/:id',
      purpose: 'customer_support',
      decision: 'deny',
      outcome: 'denied',
    });
    await expectOne(await t.app.inject({ url: '/store/me', headers: bearer(alva) }), {
      ...subject,
      actor_id: alva.id,
      actor_role: 'customer',
      purpose: 'account',
      categories: ALL_CATEGORIES,
      decision: 'clear',
    });

    const list = await as('admin', '/admin/customers?limit=3', 'customer_support');
    const listed = list.json<{ customers: CustomerReply[] }>().customers.map((c) => c.id);
    const rows = await auditRows(requestIdOf(list));
    expect(rows.map((row) => row.subject_id)).toEqual(listed);
    for (const row of rows) {
      expect(row).toMatchObject({
        action: 'customer.list',
        actor_role: 'admin',
        decision: 'masked',
      });
    }
  });

  it('keeps personal data out of every audit row', async () => {
    await read('support_agent');
    await reveal('support_agent');
    await as('support_agent', `/admin/customers?email=${encodeURIComponent(alva.email)}`);
    const rows = await tablesOf<AuditTables>(t.database.db)
      .selectFrom('audit_events')
      .selectAll()
      .execute();
    expect(rows.length).toBeGreaterThan(EXTRA_CUSTOMERS);
    const dump = JSON.stringify(rows);
    for (const secret of [...secrets(), 'Listed Person', '@', 'Ticket SUP-2201']) {
      expect(dump).not.toContain(secret);
    }
  });
});
