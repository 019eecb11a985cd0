// Principle 3, C1.2, C1.4, C2.3, C3.3: every read of personal data is decided field by
// field, masked by role, audited before it returns, and refused when the audit log cannot
// be written. (Reveal-with-a-reason: reveal.test.ts.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  appErrorOf,
  closeAccessWorld,
  openAccessWorld,
  sealCustomer,
  type AccessWorld,
} from '../../../test/helpers/access-world.js';
import { describeEachEngine } from '../../../test/helpers/test-engines.js';
import { ManualClock } from '../../platform/clock.js';
import { tablesOf } from '../../platform/db/index.js';
import { isAppError } from '../../platform/errors/index.js';
import {
  DatabaseAuditSink,
  queryAuditEvents,
  type AuditSink,
  type AuditTables,
  type StoredAuditEvent,
} from '../audit/index.js';
import type { ConsentTables } from '../consent/index.js';
import type { VaultTables } from '../vault/index.js';
import {
  AccessPolicy,
  parseRoleDefinitions,
  PersonalDataAccess,
  type AccessTables,
  type Actor,
  type FieldInput,
  type ReadContext,
} from './index.js';

type Tables = AccessTables & AuditTables & ConsentTables & VaultTables;

const SUPPORT: Actor = { kind: 'staff', id: 'stf_support', roles: ['support_agent'], mfa: true };
const ADMIN: Actor = { kind: 'staff', id: 'stf_admin', roles: ['admin'], mfa: true };
const MARKETER: Actor = { kind: 'staff', id: 'stf_marketer', roles: ['marketer'], mfa: true };
const support = (extra: Partial<ReadContext> = {}): ReadContext => ({
  actor: SUPPORT,
  permission: 'customers.read',
  purpose: 'customer_support',
  requestId: 'req-7',
  ...extra,
});

const clock = new ManualClock(new Date('2026-04-01T12:00:00Z'));

describeEachEngine('PersonalDataAccess.read (Principle 3, C2.3, C3.3)', (engine) => {
  let world: AccessWorld;
  let policy: AccessPolicy;
  const db = (w = world) => tablesOf<Tables>(w.database.db);
  const sink = (w = world) => new DatabaseAuditSink(db(w));
  const access = (options: { audit?: AuditSink; consent?: boolean } = {}, w = world) =>
    new PersonalDataAccess({
      db: db(w),
      vault: w.kernel.vault,
      policy,
      audit: options.audit ?? sink(w),
      clock,
      ...(options.consent === false ? {} : { consent: w.ledger }),
    });
  const events = async (subjectId: string): Promise<readonly StoredAuditEvent[]> =>
    (await queryAuditEvents(db(), { subjectId })).events;
  const failingSink: AuditSink = { record: () => Promise.reject(new Error('audit disk full')) };

  const customer = (label: string, w = world) => sealCustomer(w, label);

  beforeAll(async () => {
    // One database per file: each test works on fresh subject ids, and fewer schemas
    // created and dropped on a shared PostgreSQL server means fewer races between files.
    world = await openAccessWorld(engine, clock);
    policy = new AccessPolicy(
      parseRoleDefinitions({
        roles: [
          {
            name: 'marketer',
            description: 'Sends newsletters to customers who opted in',
            permissions: ['customers.read'],
            grants: [{ category: 'registration.email', purpose: 'marketing', view: 'masked' }],
          },
        ],
      }),
    );
  });

  afterAll(async () => closeAccessWorld(world));

  it('masks every field a support agent may see, and audits the read before returning', async () => {
    const c = await customer('masked');
    const views = await access().read(support({ action: 'customer.read' }), c.id, c.fields);
    expect(views).toEqual([
      { field: 'customers.email', rowId: c.id, view: 'masked', value: `m•••@example.test` },
      { field: 'customers.name', rowId: c.id, view: 'masked', value: 'A. M. L.' },
      { field: 'customers.phone', rowId: c.id, view: 'masked', value: '•••• 42' },
    ]);
    const [event] = await events(c.id);
    expect(event).toMatchObject({
      occurredAt: clock.now(),
      actorId: 'stf_support',
      actorRole: 'support_agent',
      action: 'customer.read',
      purpose: 'customer_support',
      subjectId: c.id,
      categories: ['registration.email', 'registration.name', 'registration.phone'],
      decision: 'masked',
      requestId: 'req-7',
      outcome: 'success',
      detail: { permission: 'customers.read', requested: 3, returned: 3 },
    });
  });

  it('shows customers their own data in the clear and nothing of anyone else', async () => {
    const c = await customer('own');
    const other = await customer('other');
    const self = (id: string): ReadContext => ({
      actor: { kind: 'customer', id },
      permission: 'self',
      purpose: 'account',
      requestId: null,
    });
    const own = await access().read(self(c.id), c.id, c.fields);
    expect(own.map((v) => (v.view === 'clear' ? v.value : v.view))).toEqual(Object.values(c.clear));
    expect(await access().read(self(c.id), other.id, other.fields)).toEqual([]);
    const [denied] = await events(other.id);
    expect(denied).toMatchObject({
      actorId: c.id,
      actorRole: 'customer',
      decision: 'deny',
      outcome: 'denied',
      categories: ['registration.email', 'registration.name', 'registration.phone'],
      action: 'personal_data.read',
    });
  });

  it('hands out no clear value past a masked ceiling, and audits the read as masked', async () => {
    const c = await customer('ceiling');
    const self: ReadContext = {
      actor: { kind: 'customer', id: c.id },
      permission: 'self',
      purpose: 'account',
      requestId: null,
    };
    const capped = await access().read({ ...self, ceiling: 'masked' }, c.id, c.fields);
    expect(capped.map((view) => view.view)).toEqual(['masked', 'masked', 'masked']);
    expect(capped.map((view) => ('value' in view ? view.value : null))).not.toContain(
      c.clear['customers.email'],
    );
    const [event] = await events(c.id);
    expect(event).toMatchObject({ decision: 'masked', outcome: 'success' });
    const uncapped = await access().read(self, c.id, c.fields);
    expect(uncapped.map((view) => view.view)).toEqual(['clear', 'clear', 'clear']);
  });

  it('leaves out fields whose purpose or grant does not allow them, and audits only what was seen', async () => {
    const c = await customer('partial');
    const writer = await world.kernel.vault.writer(c.id);
    const expiry: FieldInput = {
      field: 'payments.card_expiry',
      rowId: 'pay_1',
      sealed: writer.seal('payments.card_expiry', 'pay_1', '12/30'),
    };
    const views = await access().read(support(), c.id, [c.fields[0] as FieldInput, expiry]);
    expect(views.map((v) => v.field)).toEqual(['customers.email']);
    const [event] = await events(c.id);
    expect(event).toMatchObject({
      categories: ['registration.email'],
      decision: 'masked',
      detail: { requested: 2, returned: 1 },
    });
  });

  it('denies admin every clear value and staff without a second factor everything', async () => {
    const c = await customer('admin');
    const asAdmin = await access().read(
      { ...support(), actor: ADMIN, purpose: 'account' },
      c.id,
      c.fields,
    );
    expect(asAdmin.map((v) => v.view)).toEqual(['masked', 'masked', 'masked']);
    const noMfa: Actor = { kind: 'staff', id: 'stf_support', roles: ['support_agent'], mfa: false };
    expect(await access().read(support({ actor: noMfa }), c.id, c.fields)).toEqual([]);
    expect((await events(c.id)).map((e) => e.decision)).toEqual(['deny', 'masked']);
  });

  it('says absent for a value never given and erased for an erased subject', async () => {
    const c = await customer('erased');
    const noPhone: FieldInput = { field: 'customers.phone', rowId: c.id, sealed: null };
    expect(await access().read(support(), c.id, [noPhone])).toEqual([
      { field: 'customers.phone', rowId: c.id, view: 'absent' },
    ]);
    await world.kernel.shredder.shred(c.id);
    const views = await access().read(support(), c.id, c.fields);
    expect(views.map((v) => v.view)).toEqual(['erased', 'erased', 'erased']);
    expect(JSON.stringify(views)).not.toContain('example.test');
    expect((await events(c.id)).map((e) => e.decision)).toEqual(['none', 'none']);
  });

  it('fails closed: when the audit log cannot be written, no value is returned', async () => {
    const c = await customer('closed');
    const failure = await access({ audit: failingSink })
      .read(support(), c.id, c.fields)
      .then(
        (views) => ({ views }),
        (error: unknown) => ({ error }),
      );
    expect('views' in failure).toBe(false);
    const error = 'error' in failure ? failure.error : undefined;
    expect(isAppError(error) && [error.code, error.status]).toEqual(['AUDIT_UNAVAILABLE', 503]);
    expect(JSON.stringify(error) + String(error)).not.toMatch(/example\.test|•••|Lovelace/);
    // The same refusal for a denial: nothing leaves without its entry.
    expect(
      await appErrorOf(
        access({ audit: failingSink }).read(support({ actor: ADMIN }), c.id, c.fields),
      ),
    ).toEqual(['AUDIT_UNAVAILABLE', 503, undefined]);
  });

  it('audits a value that fails its integrity check as a failure, and returns nothing', async () => {
    const c = await customer('tampered');
    const moved: FieldInput = { ...(c.fields[0] as FieldInput), rowId: 'another-row' };
    expect((await appErrorOf(access().read(support(), c.id, [moved])))?.[0]).toBe(
      'CIPHERTEXT_INVALID',
    );
    const [event] = await events(c.id);
    expect(event).toMatchObject({
      outcome: 'failure',
      decision: 'none',
      detail: { code: 'CIPHERTEXT_INVALID' },
    });
  });

  it('reads for marketing only with a live opt-in (C1.2)', async () => {
    const c = await customer('marketing');
    const ctx: ReadContext = {
      actor: MARKETER,
      permission: 'customers.read',
      purpose: 'marketing',
      requestId: null,
    };
    const email = [c.fields[0] as FieldInput];
    expect(await access({ consent: false }).read(ctx, c.id, email)).toEqual([]);
    expect(await access().read(ctx, c.id, email)).toEqual([]);
    const consent = (granted: boolean) =>
      db()
        .transaction()
        .execute((trx) =>
          world.ledger.record(
            trx,
            c.id,
            { marketing: granted },
            {
              policyVersion: '2026-01',
              collectionPoint: 'privacy_center',
              recordedAt: clock.now(),
            },
          ),
        );
    await consent(true);
    expect((await access().read(ctx, c.id, email)).map((v) => v.view)).toEqual(['masked']);
    expect(await access({ consent: false }).read(ctx, c.id, email)).toEqual([]);
    await consent(false);
    expect(await access().read(ctx, c.id, email)).toEqual([]);
    expect((await events(c.id)).map((e) => [e.purpose, e.decision])).toEqual([
      ['marketing', 'deny'],
      ['marketing', 'deny'],
      ['marketing', 'masked'],
      ['marketing', 'deny'],
      ['marketing', 'deny'],
    ]);
  });
});
