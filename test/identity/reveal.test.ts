// C2.3, C3.3: staff see customer data masked; seeing it in the clear is a separate act
// with a reason, allowed only to roles that may reveal, rate-limited, recorded in
// `access_reveals` with the reason sealed, and audited with role, purpose and categories.
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AccessTables } from '../../src/privacy/access/index.js';
import type { AuditTables } from '../../src/privacy/audit/index.js';
import { isPersonalFieldName, personalField } from '../../src/privacy/inventory/index.js';
import { shredJournalPath } from '../../src/privacy/kernel/index.js';
import { tablesOf } from '../../src/platform/db/index.js';
import {
  bearer,
  createLoggedInStaff,
  registerCustomer,
  type LoggedIn,
} from '../helpers/identity.js';
import { assertNoLeaks, scanForMarkers, uniqueMarker } from '../helpers/leak-scan.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

const PHONE = '+44 20 7946 0123';

interface Shown {
  view: string;
  value?: string;
}

/** The categories of a list of declared field names; fails on a name the inventory lacks. */
function categoriesOfFields(names: readonly string[]): string[] {
  return names.map((name) => {
    if (!isPersonalFieldName(name)) throw new Error(`undeclared field ${name}`);
    return personalField(name).category;
  });
}

const codeOf = (response: LightMyRequestResponse) =>
  response.json<{ error?: { code: string } }>().error?.code;

describeEachEngine('reveal with a reason (C2.3, C3.3)', (engine) => {
  let store: TestStore;
  let t: TestApp;
  let open: boolean;
  let customer: LoggedIn;

  const db = () => tablesOf<AccessTables & AuditTables>(t.database.db);
  const reveals = () =>
    db().selectFrom('access_reveals').selectAll().where('subject_id', '=', customer.id).execute();
  const reveal = (
    as: { token: string },
    payload: Record<string, unknown>,
    extra: { purpose?: string; remoteAddress?: string } = {},
  ) =>
    t.app.inject({
      method: 'POST',
      url: `/admin/customers/${customer.id}/reveal`,
      headers: {
        ...bearer(as),
        ...(extra.purpose === undefined ? {} : { 'x-custodia-purpose': extra.purpose }),
      },
      payload,
      ...(extra.remoteAddress === undefined ? {} : { remoteAddress: extra.remoteAddress }),
    });
  /** Asserts the reply carries none of the customer's values. */
  const expectNoValues = (response: LightMyRequestResponse) => {
    expect(response.body).not.toContain(customer.email);
    expect(response.body).not.toContain('Ada Lovelace');
    expect(response.body).not.toContain(PHONE);
  };

  beforeEach(async () => {
    store = await createTestStore(engine);
    t = await createTestApp(engine, { store });
    open = true;
    customer = await registerCustomer(t.app, { name: 'Ada Lovelace', phone: PHONE });
  });
  afterEach(async () => {
    if (open) await t.close();
    await store.cleanup();
  });

  it('a support agent sees the email masked, reveals it with a reason, and the act is recorded sealed', async () => {
    const agent = await createLoggedInStaff(t, ['support_agent']);
    const masked = await t.app.inject({
      url: `/admin/customers/${customer.id}`,
      headers: bearer(agent),
    });
    expect(masked.statusCode).toBe(200);
    const shown = masked.json<{ fields: Record<string, Shown> }>().fields;
    expect(shown['email']?.view).toBe('masked');
    expect(shown['email']?.value).toMatch(/@example\.test$/);
    expectNoValues(masked);

    const marker = uniqueMarker('reveal-reason');
    const revealed = await reveal(agent, {
      fields: ['email'],
      reason: `Customer cannot log in, checking the address ${marker}`,
      ticketId: 'TCK-4711',
    });
    expect(revealed.statusCode).toBe(200);
    expect(revealed.json()).toEqual({ fields: { email: customer.email } });

    const [row, ...more] = await reveals();
    expect(more).toHaveLength(0);
    expect(row).toMatchObject({
      staff_id: agent.id,
      purpose: 'customer_support',
      ticket_id: 'TCK-4711',
    });
    expect(categoriesOfFields(JSON.parse(row?.fields ?? '[]') as string[])).toEqual([
      'registration.email',
    ]);
    expect(Buffer.from(row?.reason ?? []).includes(marker)).toBe(false);

    const events = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('subject_id', '=', customer.id)
      .where('action', 'like', '%reveal%')
      .execute();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      actor_id: agent.id,
      actor_role: 'support_agent',
      purpose: 'customer_support',
      decision: 'clear',
      outcome: 'success',
    });
    expect(JSON.parse(event?.categories ?? '[]')).toEqual(['registration.email']);
    expect(event?.detail ?? '').not.toContain(marker);

    // Nothing of the reason is readable at rest or in the logs once the app has closed.
    const logs = t.logs.text();
    await t.close();
    open = false;
    const findings = await scanForMarkers({
      markers: [marker],
      dataDir: store.dataDir,
      exclude: [t.config.keyringPath, shredJournalPath(t.config.keyringPath)],
      logs,
      ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
    });
    assertNoLeaks(findings);
  });

  it('admin and fulfilment are refused (403) and nothing is recorded as revealed', async () => {
    const admin = await createLoggedInStaff(t, ['admin']);
    const adminView = await t.app.inject({
      url: `/admin/customers/${customer.id}`,
      headers: bearer(admin),
    });
    expect(adminView.statusCode).toBe(200);
    const views = Object.values(adminView.json<{ fields: Record<string, Shown> }>().fields);
    expect(views.length).toBeGreaterThan(0);
    expect(views.every((shown) => shown.view !== 'clear')).toBe(true);
    expectNoValues(adminView);
    for (const role of ['admin', 'fulfilment']) {
      const staff = await createLoggedInStaff(t, [role]);
      const refused = await reveal(staff, {
        fields: ['email', 'name', 'phone'],
        reason: 'Checking the account details',
      });
      expect(refused.statusCode).toBe(403);
      expect(codeOf(refused)).toBe('PERMISSION_DENIED');
      expectNoValues(refused);
    }
    expect(await reveals()).toHaveLength(0);
    const denials = await db()
      .selectFrom('audit_events')
      .select(['actor_role', 'decision'])
      .where('action', 'like', '%reveal%')
      .where('outcome', '=', 'denied')
      .execute();
    expect(denials.map((event) => event.actor_role).sort()).toEqual(['admin', 'fulfilment']);
  });

  it('a reason shorter than the minimum is refused (400)', async () => {
    const agent = await createLoggedInStaff(t, ['support_agent']);
    for (const reason of ['', 'because', '   short   ']) {
      const refused = await reveal(agent, { fields: ['email'], reason });
      expect(refused.statusCode).toBe(400);
      expectNoValues(refused);
    }
    expect(await reveals()).toHaveLength(0);
  });

  it('a field the role may not reveal for the purpose gives 403 REVEAL_DENIED and no values', async () => {
    const officer = await createLoggedInStaff(t, ['security_officer']);
    const purpose = 'identity_verification';
    const mixed = await reveal(
      officer,
      { fields: ['email', 'name'], reason: 'Verifying a suspicious login' },
      { purpose },
    );
    expect(mixed.statusCode).toBe(403);
    expect(codeOf(mixed)).toBe('REVEAL_DENIED');
    const denied = mixed.json<{ error: { details: { fields: string[] } } }>().error.details.fields;
    expect(categoriesOfFields(denied)).toEqual(['registration.name']);
    expectNoValues(mixed);

    const agent = await createLoggedInStaff(t, ['support_agent']);
    const wrongPurpose = await reveal(
      agent,
      { fields: ['email'], reason: 'Issuing a refund to the customer' },
      { purpose: 'refund' },
    );
    expect(codeOf(wrongPurpose)).toBe('REVEAL_DENIED');
    expectNoValues(wrongPurpose);
    expect(await reveals()).toHaveLength(0);

    const allowed = await reveal(
      officer,
      { fields: ['email'], reason: 'Verifying a suspicious login' },
      { purpose },
    );
    expect(allowed.json()).toEqual({ fields: { email: customer.email } });
  });

  it('the eleventh reveal within a minute is refused (429 RATE_LIMITED)', async () => {
    const agent = await createLoggedInStaff(t, ['support_agent']);
    const remoteAddress = '198.51.100.77';
    const payload = { fields: ['phone'], reason: 'Calling the customer back about a delivery' };
    for (let i = 0; i < 10; i++) {
      const allowed = await reveal(agent, payload, { remoteAddress });
      expect(allowed.json()).toEqual({ fields: { phone: PHONE } });
    }
    const limited = await reveal(agent, payload, { remoteAddress });
    expect(limited.statusCode).toBe(429);
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expectNoValues(limited);
    expect(await reveals()).toHaveLength(10);
  });

  it('an erased customer cannot be revealed: an answer without any value, never a 500', async () => {
    const agent = await createLoggedInStaff(t, ['support_agent']);
    await t.privacy.shredder.shred(customer.id);
    const read = await t.app.inject({
      url: `/admin/customers/${customer.id}`,
      headers: bearer(agent),
    });
    expect(read.statusCode).toBe(200);
    const shown = read.json<{ fields: Record<string, Shown> }>().fields;
    expect(shown['email']).toEqual({ view: 'erased' });
    const erased = await reveal(agent, {
      fields: ['email', 'name', 'phone'],
      reason: 'Customer asked what we still hold',
    });
    expect(erased.statusCode).toBe(410);
    expect(codeOf(erased)).toBe('SUBJECT_ERASED');
    expectNoValues(erased);
    expect(await reveals()).toHaveLength(0);
  });
});
