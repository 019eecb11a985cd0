// C3.3 under load: events recorded outside a transaction by many requests at once are
// group-committed, and each caller is answered only once its own events are durable.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createTestStore,
  describeEachEngine,
  type TestStore,
} from '../../../test/helpers/test-engines.js';
import { MIGRATIONS } from '../../app/migrations.js';
import { migrateToLatest, openDatabase, tablesOf, type Database } from '../../platform/db/index.js';
import { newId } from '../../platform/ids.js';
import { DatabaseAuditSink, type AuditEvent, type AuditTables } from './index.js';

function readEvent(subjectId: string, requestId: string): AuditEvent {
  return {
    occurredAt: new Date(),
    actorId: 'stf_groupcommit',
    actorRole: 'support_agent',
    action: 'customer.read',
    purpose: 'customer_support',
    subjectId,
    categories: ['registration.email'],
    decision: 'masked',
    requestId,
    outcome: 'success',
  };
}

describeEachEngine('audit group commit (C3.3)', (engine) => {
  let store: TestStore;
  let database: Database;
  const db = () => tablesOf<AuditTables>(database.db);

  beforeAll(async () => {
    store = await createTestStore(engine);
    database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
    await migrateToLatest(database.db, MIGRATIONS);
  });
  afterAll(async () => {
    await database.close();
    await store.cleanup();
  });

  it('answers every concurrent caller only after its own event is stored', async () => {
    const sink = new DatabaseAuditSink(db());
    const subjectId = newId('cus');
    const callers = 300;
    const seenWhenAnswered: number[] = [];
    await Promise.all(
      Array.from({ length: callers }, async (_, i) => {
        await sink.record([readEvent(subjectId, `req-${i}`)]);
        const row = await db()
          .selectFrom('audit_events')
          .select('id')
          .where('request_id', '=', `req-${i}`)
          .where('subject_id', '=', subjectId)
          .executeTakeFirst();
        seenWhenAnswered.push(row === undefined ? 0 : 1);
      }),
    );
    expect(seenWhenAnswered).toHaveLength(callers);
    expect(seenWhenAnswered.every((seen) => seen === 1)).toBe(true);
    const stored = await db()
      .selectFrom('audit_events')
      .select('request_id')
      .where('subject_id', '=', subjectId)
      .execute();
    expect(new Set(stored.map((row) => row.request_id)).size).toBe(callers);
  });

  it('fails every waiting caller when the batch cannot be committed (fail closed)', async () => {
    const other = await createTestStore(engine);
    const closed = await openDatabase({ url: other.databaseUrl, dataDir: other.dataDir });
    await migrateToLatest(closed.db, MIGRATIONS);
    const sink = new DatabaseAuditSink(tablesOf<AuditTables>(closed.db));
    await closed.close();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => sink.record([readEvent(newId('cus'), `req-x${i}`)])),
    );
    expect(results.map((result) => result.status)).toEqual(Array(5).fill('rejected'));
    await other.cleanup();
  });
});
