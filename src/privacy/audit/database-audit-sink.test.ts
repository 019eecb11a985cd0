// C3.3: every access decision and change becomes an audit event, written in the same
// transaction as the change when there is one; a customer can page through their own.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createTestStore,
  describeEachEngine,
  type TestStore,
} from '../../../test/helpers/test-engines.js';
import { MIGRATIONS } from '../../app/migrations.js';
import { migrateToLatest, openDatabase, tablesOf, type Database } from '../../platform/db/index.js';
import { isAppError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids.js';
import {
  auditMigration,
  DatabaseAuditSink,
  queryAuditEvents,
  type AuditEvent,
  type AuditTables,
} from './index.js';

function event(subjectId: string | null, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    occurredAt: new Date('2026-03-01T10:00:00.123Z'),
    actorId: 'stf_support1',
    actorRole: 'support_agent',
    action: 'customer.read',
    purpose: 'customer_support',
    subjectId,
    categories: ['registration.name', 'registration.email', 'registration.name'],
    decision: 'masked',
    requestId: 'req-1',
    outcome: 'success',
    ...overrides,
  };
}

describeEachEngine('DatabaseAuditSink (C3.3)', (engine) => {
  let store: TestStore;
  let database: Database;
  let sink: DatabaseAuditSink;
  const db = () => tablesOf<AuditTables>(database.db);
  const count = async (subjectId?: string) => {
    let query = db()
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll().as('n'));
    if (subjectId !== undefined) query = query.where('subject_id', '=', subjectId);
    return Number((await query.executeTakeFirstOrThrow()).n);
  };

  // One database per file: each test works on fresh subject ids.
  beforeAll(async () => {
    store = await createTestStore(engine);
    database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
    await migrateToLatest(database.db, [...MIGRATIONS, auditMigration]);
    sink = new DatabaseAuditSink(db());
  });

  afterAll(async () => {
    await database.close();
    await store.cleanup();
  });

  it('stores every property and reads it back unchanged', async () => {
    const subject = newId('cus');
    const full = event(subject, { detail: { fields: 3, code: 'X_Y', partial: true } });
    const bare = event(null, {
      purpose: null,
      requestId: null,
      categories: [],
      decision: 'none',
      outcome: 'failure',
      actorId: 'system:retention',
      actorRole: 'system',
    });
    await sink.record([full, bare]);
    const page = await queryAuditEvents(db(), { subjectId: subject });
    expect(page.nextBefore).toBeNull();
    expect(page.events).toHaveLength(1);
    const [stored] = page.events;
    expect(stored).toMatchObject({
      ...full,
      categories: ['registration.email', 'registration.name'],
    });
    expect(stored?.occurredAt.toISOString()).toBe('2026-03-01T10:00:00.123Z');
    const rows = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('actor_id', '=', 'system:retention')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      subject_id: null,
      purpose: null,
      detail: null,
      categories: '[]',
    });
  });

  it('stores each event of a batch in its own row, whatever the batch size', async () => {
    // Each size is built once and bound on its second call (fixedQuery).
    for (const size of [1, 3, 3, 17, 17]) {
      const subject = newId('cus');
      const events = Array.from({ length: size }, (_, i) =>
        event(subject, {
          requestId: i % 2 === 0 ? `req-${size}-${i}` : null,
          purpose: i % 3 === 0 ? null : 'customer_support',
          ...(i % 4 === 0 ? { detail: { position: i } } : {}),
        }),
      );
      await sink.record(events);
      const stored = await queryAuditEvents(db(), { subjectId: subject, limit: 200 });
      expect(
        stored.events.map(({ requestId, purpose, detail }) => ({ requestId, purpose, detail })),
      ).toEqual(
        events.map(({ requestId, purpose, detail }) => ({ requestId, purpose, detail })).reverse(),
      );
    }
  });

  it('writes inside the caller’s transaction: committed with it, rolled back with it', async () => {
    const subject = newId('cus');
    await database.db.transaction().execute(async (trx) => {
      await sink.record([event(subject, { action: 'customer.register' })], trx);
    });
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sink.record([event(subject, { action: 'customer.update' })], trx);
        throw new Error('the change failed after its audit event was written');
      }),
    ).rejects.toThrow('the change failed');
    const page = await queryAuditEvents(db(), { subjectId: subject });
    expect(page.events.map((e) => e.action)).toEqual(['customer.register']);
  });

  it('writes the events of several calls in one transaction as it commits, in call order', async () => {
    const subject = newId('cus');
    const announced: number[] = [];
    const stop = sink.onRecorded((n) => announced.push(n));
    try {
      await database.db.transaction().execute(async (trx) => {
        await sink.record([event(subject, { requestId: 'call-1' })], trx);
        await sink.record(
          [event(subject, { requestId: 'call-2' }), event(subject, { requestId: 'call-3' })],
          trx,
        );
        // Not visible to anyone else (nor written) before the commit.
        expect(await count(subject)).toBe(0);
      });
    } finally {
      stop();
    }
    // The sealer hears of them once, as one write.
    expect(announced).toEqual([3]);
    const page = await queryAuditEvents(db(), { subjectId: subject });
    expect(page.events.map((e) => e.requestId)).toEqual(['call-3', 'call-2', 'call-1']);
  });

  it('groups the events of concurrent callers outside transactions, and each waits for them', async () => {
    const subject = newId('cus');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sink.record([event(subject, { requestId: `c-${i}` })]).then(async () => {
          // Durable and visible to other connections once the call returns.
          const seen = await queryAuditEvents(db(), { subjectId: subject, limit: 200 });
          expect(seen.events.map((e) => e.requestId)).toContain(`c-${i}`);
        }),
      ),
    );
    expect(await count(subject)).toBe(20);
  });

  it('refuses a whole batch when one event could carry personal data', async () => {
    const subject = newId('cus');
    const leaky = event(subject, { detail: { note: 'ask jane@example.test' } });
    const error: unknown = await sink.record([event(subject), leaky]).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('AUDIT_EVENT_INVALID');
    expect(await count(subject)).toBe(0);
  });

  it('records nothing for an empty batch', async () => {
    const before = await count();
    await sink.record([]);
    expect(await count()).toBe(before);
  });

  it("pages through one subject's events, newest first, and no one else's", async () => {
    const subject = newId('cus');
    const other = newId('cus');
    for (let i = 0; i < 7; i++) {
      await sink.record([
        event(subject, { requestId: `req-${i}` }),
        event(other, { requestId: `other-${i}` }),
      ]);
    }
    const seen: string[] = [];
    let before: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await queryAuditEvents(db(), {
        subjectId: subject,
        limit: 3,
        ...(before === undefined ? {} : { before }),
      });
      pages++;
      seen.push(...page.events.map((e) => e.requestId ?? ''));
      for (const e of page.events) expect(e.subjectId).toBe(subject);
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['req-6', 'req-5', 'req-4', 'req-3', 'req-2', 'req-1', 'req-0']);
  });

  it('keeps the page size between 1 and 200', async () => {
    const subject = newId('cus');
    await sink.record(Array.from({ length: 3 }, () => event(subject)));
    expect((await queryAuditEvents(db(), { subjectId: subject, limit: 0 })).events).toHaveLength(1);
    expect((await queryAuditEvents(db(), { subjectId: subject, limit: -5 })).events).toHaveLength(
      1,
    );
    const all = await queryAuditEvents(db(), { subjectId: subject, limit: 10_000 });
    expect(all.events).toHaveLength(3);
    expect(all.nextBefore).toBeNull();
  });
});
