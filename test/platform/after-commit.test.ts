// afterCommit: work registered inside a transaction runs once it has committed, where
// another connection can already see what it wrote, and never when it rolls back.
import { sql, type Generated, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { afterCommit, openDatabase, type Database } from '../../src/platform/db/index.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

interface Tables {
  notes: { id: Generated<number>; label: string };
}

describeEachEngine('afterCommit', (engine) => {
  let store: TestStore;
  let database: Database<Tables>;
  let db: Kysely<Tables>;

  beforeAll(async () => {
    store = await createTestStore(engine);
    database = await openDatabase<Tables>({ url: store.databaseUrl, dataDir: store.dataDir });
    db = database.db;
    const id = engine === 'postgres' ? sql`serial primary key` : sql`integer primary key`;
    await sql`create table notes (id ${id}, label text not null)`.execute(db);
  });
  afterAll(async () => {
    await database.close();
    await store.cleanup();
  });

  /** Labels another connection sees (outside any transaction). */
  const visible = async () =>
    (await db.selectFrom('notes').select('label').orderBy('id').execute()).map((r) => r.label);

  it('runs once the transaction has committed, when its writes are visible elsewhere', async () => {
    let seen: Promise<string[]> | undefined;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('notes').values({ label: 'committed' }).execute();
      await afterCommit(trx, () => {
        seen = visible();
      });
      expect(seen).toBeUndefined();
    });
    expect(await seen).toContain('committed');
  });

  it('never runs for a transaction that rolls back, nor for the next one on its connection', async () => {
    const calls: string[] = [];
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ label: 'rolled-back' }).execute();
        await afterCommit(trx, () => calls.push('rolled-back'));
        throw new Error('changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    // A pool hands connections out again: the next transactions must not inherit it.
    for (let i = 0; i < 3; i++) await db.transaction().execute(() => Promise.resolve());
    await db.transaction().execute(async (trx) => {
      await afterCommit(trx, () => calls.push('next'));
    });
    expect(calls).toEqual(['next']);
    expect(await visible()).not.toContain('rolled-back');
  });

  it('runs at once outside a transaction', async () => {
    let ran = false;
    await afterCommit(db, () => (ran = true));
    expect(ran).toBe(true);
  });
});
