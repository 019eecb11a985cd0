// C3.3: a shop upgraded to the sealed-only indexes (0025) keeps its log whole: events
// recorded and sealed before the upgrade are found, verify, and seal on in one chain,
// and a seq is still unique.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/app/migrations.js';
import { migrateToLatest } from '../../src/platform/db/index.js';
import { searchAuditEvents, verifyAuditLog } from '../../src/privacy/audit/index.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { openAuditLogFixture, type AuditLogFixture } from './audit-log-fixture.js';

const UPGRADE = '0025_audit_sealed_indexes';
const BEFORE_UPGRADE = MIGRATIONS.slice(
  0,
  MIGRATIONS.findIndex((migration) => migration.name === UPGRADE),
);

describeEachEngine('upgrading the audit log to sealed-only indexes (C3.3)', (engine) => {
  let f: AuditLogFixture;
  beforeEach(async () => {
    f = await openAuditLogFixture(engine, BEFORE_UPGRADE);
  });
  afterEach(async () => f.close());

  it('keeps every event findable and the chain whole across the upgrade', async () => {
    expect(BEFORE_UPGRADE.length).toBe(MIGRATIONS.length - 1);
    await f.record(30);
    await f.sealer().sealPending({ maxBatch: 20 });
    await f.record(10);

    expect(await migrateToLatest(f.database.db, MIGRATIONS)).toEqual([UPGRADE]);

    const ids = (await f.db.selectFrom('audit_events').select(['id', 'subject_id']).execute())
      .filter((row) => row.subject_id === 'cus_subject3')
      .map((row) => Number(row.id))
      .sort((a, b) => b - a);
    const found = await searchAuditEvents(f.db, { subjectId: 'cus_subject3', limit: 200 });
    expect(found.events.map((event) => event.id)).toEqual(ids);
    expect(found.events.some((event) => event.seq === null)).toBe(true);
    expect(found.events.some((event) => event.seq !== null)).toBe(true);

    await f.record(5);
    expect(await f.sealer().checkpoint()).toMatchObject({ sealed: 25, treeSize: 45 });
    expect(await verifyAuditLog(f.db, f.key.publicKey)).toMatchObject({ ok: true, entries: 45 });
    // The seq index is partial now, and still unique.
    await expect(
      f.db.updateTable('audit_events').set({ seq: 1 }).where('seq', '=', 2).execute(),
    ).rejects.toThrow();
  });
});
