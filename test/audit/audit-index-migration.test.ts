// C3.3: a shop upgraded to the sealed-only indexes (0025) keeps its log whole: events
// recorded and sealed before the upgrade are found, verify, and seal on in one chain,
// and a seq is still unique.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { MIGRATIONS } from '../../src/app/migrations.js';
import { ManualClock } from '../../src/platform/clock.js';
import {
  migrateToLatest,
  openDatabase,
  tablesOf,
  type Database,
} from '../../src/platform/db/index.js';
import {
  AuditSealer,
  AuditSigningKey,
  auditSigningKeyPath,
  DatabaseAuditSink,
  searchAuditEvents,
  verifyAuditLog,
  type AuditSealTables,
} from '../../src/privacy/audit/index.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';
import { syntheticEvent } from './audit-log-fixture.js';

const UPGRADE = '0025_audit_sealed_indexes';

describeEachEngine('upgrading the audit log to sealed-only indexes (C3.3)', (engine) => {
  let store: TestStore;
  let database: Database;
  beforeEach(async () => {
    store = await createTestStore(engine);
    database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
  });
  afterEach(async () => {
    await database.close();
    await store.cleanup();
  });

  it('keeps every event findable and the chain whole across the upgrade', async () => {
    const before = MIGRATIONS.slice(
      0,
      MIGRATIONS.findIndex((migration) => migration.name === UPGRADE),
    );
    expect(before.length).toBe(MIGRATIONS.length - 1);
    await migrateToLatest(database.db, before);
    const db = tablesOf<AuditSealTables>(database.db);
    const sink = new DatabaseAuditSink(tablesOf(database.db));
    const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
    const config = loadConfig({ env: store.env });
    const key = AuditSigningKey.openOrCreate(auditSigningKeyPath(config.keyringPath), clock);
    const sealer = new AuditSealer(db, { signer: key, clock });
    await sink.record(Array.from({ length: 30 }, (_, i) => syntheticEvent(i)));
    await sealer.sealPending({ maxBatch: 20 });
    await sink.record(Array.from({ length: 10 }, (_, i) => syntheticEvent(30 + i)));

    expect(await migrateToLatest(database.db, MIGRATIONS)).toEqual([UPGRADE]);

    // syntheticEvent gives subject cus_subject{i % 11} to three in four events.
    const ids = (await db.selectFrom('audit_events').select(['id', 'subject_id']).execute())
      .filter((row) => row.subject_id === 'cus_subject3')
      .map((row) => Number(row.id))
      .sort((a, b) => b - a);
    const found = await searchAuditEvents(db, { subjectId: 'cus_subject3', limit: 200 });
    expect(found.events.map((event) => event.id)).toEqual(ids);
    expect(found.events.some((event) => event.seq === null)).toBe(true);
    expect(found.events.some((event) => event.seq !== null)).toBe(true);

    await sink.record(Array.from({ length: 5 }, (_, i) => syntheticEvent(40 + i)));
    expect(await sealer.checkpoint()).toMatchObject({ sealed: 25, treeSize: 45 });
    expect(await verifyAuditLog(db, key.publicKey)).toMatchObject({ ok: true, entries: 45 });
    // The seq index is partial now, and still unique.
    await expect(
      db.updateTable('audit_events').set({ seq: 1 }).where('seq', '=', 2).execute(),
    ).rejects.toThrow();
  });
});
