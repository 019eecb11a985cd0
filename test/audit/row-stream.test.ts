// The platform helper the verifier reads the log with: rows of a query as arrays, a batch
// at a time, on both engines, inside and outside a transaction, and cleaned up when the
// reader stops early. (Here because the audit log is the table it streams.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hexOf, sqliteFileOf, streamRowArrays } from '../../src/platform/db/index.js';
import type { AuditSealTables } from '../../src/privacy/audit/index.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { openAuditLogFixture, type AuditLogFixture } from './audit-log-fixture.js';

describeEachEngine('streamRowArrays', (engine) => {
  let f: AuditLogFixture;
  beforeAll(async () => {
    f = await openAuditLogFixture(engine);
    await f.record(23);
    const sealer = f.sealer();
    while ((await sealer.sealPending()).sealed > 0);
  });
  afterAll(async () => f.close());

  const query = () =>
    f.db
      .selectFrom('audit_events')
      .select(['seq', 'actor_id', 'purpose', hexOf(f.db, 'leaf_hash').as('leaf_hex')])
      .where('seq', '>', 2)
      .orderBy('seq')
      .compile();

  async function all(batchSize: number, db = f.db) {
    const batches: unknown[][][] = [];
    for await (const batch of streamRowArrays(db, query(), batchSize)) batches.push(batch);
    return batches;
  }

  it('hands out the rows as arrays in select-list order, in batches', async () => {
    const objects = await f.db
      .selectFrom('audit_events')
      .select(['seq', 'actor_id', 'purpose', 'leaf_hash'])
      .where('seq', '>', 2)
      .orderBy('seq')
      .execute();
    const expected = objects.map((row) => [
      row.seq,
      row.actor_id,
      row.purpose,
      row.leaf_hash?.toString('hex'),
    ]);
    const batches = await all(5);
    expect(batches.map((batch) => batch.length)).toEqual([5, 5, 5, 5, 1]);
    expect(batches.flat()).toEqual(expected);
    expect((await all(21)).map((batch) => batch.length)).toEqual([21]);
    expect(await all(1000)).toEqual([expected]);
  });

  it('reads inside a transaction what the transaction wrote', async () => {
    await f.db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('audit_events').set({ actor_id: 'stf_inside' }).execute();
        const rows = (await all(4, trx)).flat();
        expect(rows).toHaveLength(21);
        expect(rows.every((row) => row[1] === 'stf_inside')).toBe(true);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect((await all(100)).flat().every((row) => row[1] !== 'stf_inside')).toBe(true);
  });

  it('releases its connection or cursor when the reader stops early', async () => {
    for (let i = 0; i < 3; i++) {
      for await (const batch of streamRowArrays(f.db, query(), 2)) {
        expect(batch).toHaveLength(2);
        break;
      }
    }
    expect((await all(100)).flat()).toHaveLength(21);
  });

  it('names the SQLite file another connection may open, and nothing else', async () => {
    const file = await sqliteFileOf(f.db);
    if (engine === 'sqlite') expect(file).toMatch(/custodia\.db$/);
    else expect(file).toBeUndefined();
    await f.db.transaction().execute(async (trx) => {
      expect(await sqliteFileOf<AuditSealTables>(trx)).toBeUndefined();
    });
  });
});
