// C2.3, C3.3, C2.1: reveal-with-a-reason is allowed only where a role grants it, for
// every requested field; it is stored with its reason sealed under the subject's key,
// audited in the same transaction, and refused whole when the audit log cannot be written.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  appErrorOf,
  closeAccessWorld,
  openAccessWorld,
  sealCustomer,
  type AccessWorld,
} from '../../../test/helpers/access-world.js';
import { assertNoLeaks, scanForMarkers, uniqueMarker } from '../../../test/helpers/leak-scan.js';
import { describeEachEngine } from '../../../test/helpers/test-engines.js';
import { ManualClock } from '../../platform/clock.js';
import { tablesOf } from '../../platform/db/index.js';
import { isId } from '../../platform/ids.js';
import {
  DatabaseAuditSink,
  queryAuditEvents,
  type AuditSink,
  type AuditTables,
  type StoredAuditEvent,
} from '../audit/index.js';
import type { ConsentTables } from '../consent/index.js';
import type { PersonalFieldName } from '../inventory/index.js';
import { shredJournalPath } from '../kernel/index.js';
import type { VaultTables } from '../vault/index.js';
import {
  AccessPolicy,
  PersonalDataAccess,
  type AccessTables,
  type Actor,
  type FieldInput,
} from './index.js';

type Tables = AccessTables & AuditTables & ConsentTables & VaultTables;

const SUPPORT: Actor = { kind: 'staff', id: 'stf_support', roles: ['support_agent'], mfa: true };
const ADMIN: Actor = { kind: 'staff', id: 'stf_admin', roles: ['admin'], mfa: true };
const REASON = {
  text: 'SealedCustomer asked by phone to confirm the address on file',
  ticketId: 'tkt_42',
};

const clock = new ManualClock(new Date('2026-04-01T12:00:00Z'));

describeEachEngine('PersonalDataAccess.reveal (C2.3, C3.3)', (engine) => {
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
  const reveals = (subjectId: string) =>
    db().selectFrom('access_reveals').selectAll().where('subject_id', '=', subjectId).execute();
  const failingSink: AuditSink = { record: () => Promise.reject(new Error('audit disk full')) };

  const customer = (label: string, w = world) => sealCustomer(w, label);

  beforeAll(async () => {
    // One database per file: each test works on fresh subject ids, and fewer schemas
    // created and dropped on a shared PostgreSQL server means fewer races between files.
    world = await openAccessWorld(engine, clock);
    policy = new AccessPolicy();
  });

  afterAll(async () => closeAccessWorld(world));

  it('reveals with a reason: stores the reveal, audits it in the same transaction, returns clear values', async () => {
    const c = await customer('reveal');
    const wanted = c.fields.filter((f) => f.field !== 'customers.name');
    const views = await access().reveal(
      {
        actor: SUPPORT,
        purpose: 'customer_support',
        requestId: 'req-9',
        action: 'customer.reveal',
      },
      c.id,
      wanted,
      REASON,
    );
    expect(views).toEqual([
      { field: 'customers.email', rowId: c.id, view: 'clear', value: c.clear['customers.email'] },
      { field: 'customers.phone', rowId: c.id, view: 'clear', value: c.clear['customers.phone'] },
    ]);
    const [row] = await reveals(c.id);
    if (row === undefined) throw new Error('no reveal stored');
    expect(isId(row.id, 'rvl')).toBe(true);
    expect(row).toMatchObject({
      subject_id: c.id,
      staff_id: 'stf_support',
      fields: '["customers.email","customers.phone"]',
      purpose: 'customer_support',
      ticket_id: 'tkt_42',
      revealed_at: clock.now().getTime(),
    });
    expect(Number(row.revealed_at)).toBe(clock.now().getTime());
    expect(
      await world.kernel.vault.open(
        'access_reveals.reason',
        { subjectId: c.id, rowId: row.id },
        row.reason,
      ),
    ).toBe(REASON.text);
    const [event] = await events(c.id);
    expect(event).toMatchObject({
      action: 'customer.reveal',
      decision: 'clear',
      outcome: 'success',
      categories: ['registration.email', 'registration.phone'],
      detail: { revealId: row.id, ticketId: 'tkt_42', requested: 2 },
    });
  });

  it('refuses a reveal the roles do not allow, naming the fields and returning nothing', async () => {
    const c = await customer('denied');
    const address: FieldInput = { field: 'orders.shipping_address', rowId: 'ord_1', sealed: null };
    const cases: [Actor, readonly FieldInput[], unknown][] = [
      [
        ADMIN,
        c.fields,
        { fields: ['customers.email', 'customers.name', 'customers.phone'], undeclared: 0 },
      ],
      [
        SUPPORT,
        [c.fields[0] as FieldInput, address],
        { fields: ['orders.shipping_address'], undeclared: 0 },
      ],
      [
        SUPPORT,
        [{ field: 'customer.secret_diary' as PersonalFieldName, rowId: c.id, sealed: null }],
        { fields: [], undeclared: 1 },
      ],
      [
        { kind: 'customer', id: c.id },
        [c.fields[0] as FieldInput],
        { fields: ['customers.email'], undeclared: 0 },
      ],
    ];
    for (const [actor, fields, details] of cases) {
      const ctx = { actor, purpose: 'customer_support' as const, requestId: null };
      expect(await appErrorOf(access().reveal(ctx, c.id, fields, REASON))).toEqual([
        'REVEAL_DENIED',
        403,
        details,
      ]);
    }
    expect(await reveals(c.id)).toEqual([]);
    const audited = await events(c.id);
    expect(audited).toHaveLength(cases.length);
    for (const event of audited)
      expect(event).toMatchObject({ decision: 'deny', outcome: 'denied' });
  });

  it('refuses a reveal without a usable reason, with too many fields or a free-text ticket id', async () => {
    const c = await customer('invalid');
    const ctx = { actor: SUPPORT, purpose: 'customer_support' as const, requestId: null };
    const invalid = [
      [c.fields, { text: 'because' }, 'reason too short'],
      [c.fields, { text: 'x'.repeat(2001) }, 'reason too long'],
      [[], REASON, 'no fields'],
      [Array.from({ length: 21 }, () => c.fields[0] as FieldInput), REASON, 'too many fields'],
      [c.fields, { text: REASON.text, ticketId: 'call Ada back' }, 'ticket id malformed'],
      [c.fields, { text: 'reason \uD800 with a lone surrogate' }, 'reason not well-formed'],
    ] as const;
    for (const [fields, reason, problem] of invalid) {
      expect(await appErrorOf(access().reveal(ctx, c.id, fields, reason))).toEqual([
        'REVEAL_REQUEST_INVALID',
        400,
        { problem },
      ]);
    }
    expect(await reveals(c.id)).toEqual([]);
  });

  it('fails a reveal closed: no values and no stored reveal when the audit log cannot be written', async () => {
    const c = await customer('reveal-closed');
    const ctx = { actor: SUPPORT, purpose: 'customer_support' as const, requestId: null };
    expect(
      await appErrorOf(
        access({ audit: failingSink }).reveal(ctx, c.id, c.fields.slice(0, 1), REASON),
      ),
    ).toEqual(['AUDIT_UNAVAILABLE', 503, undefined]);
    expect(await reveals(c.id)).toEqual([]);
    // A sink that writes the event and then fails still rolls the reveal back with it.
    const real = sink();
    const halfway: AuditSink = {
      record: async (batch, trx) => {
        await real.record(batch, trx);
        throw new Error('connection lost after the insert');
      },
    };
    expect(
      (
        await appErrorOf(access({ audit: halfway }).reveal(ctx, c.id, c.fields.slice(0, 1), REASON))
      )?.[0],
    ).toBe('AUDIT_UNAVAILABLE');
    expect(await reveals(c.id)).toEqual([]);
    expect(await events(c.id)).toEqual([]);
  });

  it('reveals nothing of an erased subject', async () => {
    const c = await customer('gone');
    await world.kernel.shredder.shred(c.id);
    const ctx = { actor: SUPPORT, purpose: 'customer_support' as const, requestId: null };
    expect((await appErrorOf(access().reveal(ctx, c.id, c.fields.slice(0, 1), REASON)))?.[0]).toBe(
      'SUBJECT_ERASED',
    );
    expect(await reveals(c.id)).toEqual([]);
  });

  it('never stores the reveal reason in plaintext (C2.1 leak scan)', async () => {
    // A database of its own: it is closed before the scan, so its files are complete.
    const own = await openAccessWorld(engine, clock);
    try {
      const c = await customer('leak', own);
      const marker = uniqueMarker('reveal-reason');
      const ctx = { actor: SUPPORT, purpose: 'customer_support' as const, requestId: null };
      await access({}, own).reveal(ctx, c.id, c.fields.slice(0, 1), {
        text: `Caller said ${marker} on the phone`,
      });
      const stored = await db(own).selectFrom('access_reveals').select('id').execute();
      expect(stored).toHaveLength(1);
      await own.database.close();
      const findings = await scanForMarkers({
        markers: [marker],
        dataDir: own.store.dataDir,
        exclude: [own.keyringPath, shredJournalPath(own.keyringPath)],
        ...(own.store.databaseUrl === undefined ? {} : { databaseUrl: own.store.databaseUrl }),
      });
      assertNoLeaks(findings);
    } finally {
      await own.store.cleanup();
    }
  });
});
