// Commit hooks: work registered inside a transaction runs once it has committed, where
// another connection can already see what it wrote, and never when it rolls back; writes
// deferred to the commit are made together, on the transaction's connection, before it
// commits, and fail it when they fail (the audit sink writes its events so).
import { sql, type Generated, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  afterCommit,
  deferUntilCommit,
  writeDeferredNow,
  type CommitDeferral,
} from '../../src/platform/db/index.js';
import { openScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database.js';
import { describeEachEngine } from '../helpers/test-engines.js';

interface Tables {
  notes: { id: Generated<number>; label: string };
}

describeEachEngine('commit hooks', (engine) => {
  let scratch: ScratchDatabase<Tables>;
  let db: Kysely<Tables>;

  beforeAll(async () => {
    scratch = await openScratchDatabase<Tables>(engine, 'notes', sql`label text not null`);
    db = scratch.db;
  });
  afterAll(() => scratch.close());

  /** Labels another connection sees (outside any transaction). */
  const visible = async () =>
    (await db.selectFrom('notes').select('label').orderBy('id').execute()).map((r) => r.label);

  describe('afterCommit', () => {
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

  /** A deferral that inserts notes, one statement per flush, and counts its flushes. */
  function noteWriter(): CommitDeferral<string> & { flushes: string[][] } {
    const flushes: string[][] = [];
    return {
      flushes,
      flush: async (labels, execute) => {
        flushes.push([...labels]);
        const rows = labels.map((label) => ({ label }));
        await execute(db.insertInto('notes').values(rows).compile());
      },
    };
  }

  describe('deferUntilCommit', () => {
    it('writes what a transaction deferred in one flush, in order, before it commits', async () => {
      const writer = noteWriter();
      await db.transaction().execute(async (trx) => {
        await deferUntilCommit(trx, writer, ['d1', 'd2']);
        await trx.insertInto('notes').values({ label: 'between' }).execute();
        await deferUntilCommit(trx, writer, ['d3']);
        expect(writer.flushes).toEqual([]);
        expect(await visible()).not.toContain('d1');
      });
      expect(writer.flushes).toEqual([['d1', 'd2', 'd3']]);
      const seen = await visible();
      expect(seen.filter((label) => /^d\d$/.test(label))).toEqual(['d1', 'd2', 'd3']);
    });

    it('writes nothing for a transaction that rolls back, nor leaves it to the next', async () => {
      const writer = noteWriter();
      await expect(
        db.transaction().execute(async (trx) => {
          await deferUntilCommit(trx, writer, ['abandoned']);
          throw new Error('changed its mind');
        }),
      ).rejects.toThrow('changed its mind');
      for (let i = 0; i < 3; i++) await db.transaction().execute(() => Promise.resolve());
      await db.transaction().execute((trx) => deferUntilCommit(trx, writer, ['kept']));
      expect(writer.flushes).toEqual([['kept']]);
      expect(await visible()).not.toContain('abandoned');
    });

    it('rolls the whole transaction back when the deferred write fails', async () => {
      const failing: CommitDeferral<string> = {
        flush: async (labels, execute) => {
          // label is NOT NULL: the insert fails inside the transaction.
          await execute(
            db
              .insertInto('notes')
              .values(labels.map(() => ({ label: null as unknown as string })))
              .compile(),
          );
        },
      };
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('notes').values({ label: 'with-failed-deferral' }).execute();
          await deferUntilCommit(trx, failing, ['x']);
        }),
      ).rejects.toThrow();
      expect(await visible()).not.toContain('with-failed-deferral');
      // The connection is usable afterwards.
      await db
        .transaction()
        .execute((trx) => deferUntilCommit(trx, noteWriter(), ['after-failure']));
      expect(await visible()).toContain('after-failure');
    });

    it('drops what was deferred after a savepoint the transaction rolls back to', async () => {
      const writer = noteWriter();
      const trx = await db.startTransaction().execute();
      await deferUntilCommit(trx, writer, ['s-before']);
      const inner = await trx.savepoint('inner').execute();
      await deferUntilCommit(inner, writer, ['s-undone']);
      const rolledBack = await inner.rollbackToSavepoint('inner').execute();
      await deferUntilCommit(rolledBack, writer, ['s-after']);
      await rolledBack.releaseSavepoint('inner').execute();
      await trx.commit().execute();
      expect(writer.flushes).toEqual([['s-before', 's-after']]);
      expect(await visible()).not.toContain('s-undone');
    });

    it('writes at once outside a transaction', async () => {
      const writer = noteWriter();
      await deferUntilCommit(db, writer, ['now']);
      expect(writer.flushes).toEqual([['now']]);
      expect(await visible()).toContain('now');
    });
  });

  describe('writeDeferredNow', () => {
    /** Labels the transaction itself sees. */
    const inside = async (trx: Kysely<Tables>) =>
      (await trx.selectFrom('notes').select('label').orderBy('id').execute()).map((r) => r.label);

    it('writes what was deferred so far inside the transaction, and the rest at its commit', async () => {
      const writer = noteWriter();
      await db.transaction().execute(async (trx) => {
        await deferUntilCommit(trx, writer, ['w1', 'w2']);
        await writeDeferredNow(trx);
        expect(writer.flushes).toEqual([['w1', 'w2']]);
        expect(await inside(trx)).toEqual(expect.arrayContaining(['w1', 'w2']));
        expect(await visible()).not.toContain('w1');
        await writeDeferredNow(trx);
        await deferUntilCommit(trx, writer, ['w3']);
      });
      // Nothing written twice: the second call had nothing left, the commit only w3.
      expect(writer.flushes).toEqual([['w1', 'w2'], ['w3']]);
      const seen = await visible();
      expect(seen.filter((label) => /^w\d$/.test(label))).toEqual(['w1', 'w2', 'w3']);
    });

    it('rolls back with the transaction what it wrote early', async () => {
      const writer = noteWriter();
      await expect(
        db.transaction().execute(async (trx) => {
          await deferUntilCommit(trx, writer, ['early-undone']);
          await writeDeferredNow(trx);
          throw new Error('changed its mind');
        }),
      ).rejects.toThrow('changed its mind');
      expect(writer.flushes).toEqual([['early-undone']]);
      expect(await visible()).not.toContain('early-undone');
    });

    it('leaves everything for the commit while a savepoint is open', async () => {
      const writer = noteWriter();
      const trx = await db.startTransaction().execute();
      await deferUntilCommit(trx, writer, ['p-before']);
      const inner = await trx.savepoint('inner').execute();
      await deferUntilCommit(inner, writer, ['p-undone']);
      await writeDeferredNow(inner);
      expect(writer.flushes).toEqual([]);
      const rolledBack = await inner.rollbackToSavepoint('inner').execute();
      const released = await rolledBack.releaseSavepoint('inner').execute();
      await writeDeferredNow(released);
      expect(writer.flushes).toEqual([['p-before']]);
      await released.commit().execute();
      expect(await visible()).toContain('p-before');
      expect(await visible()).not.toContain('p-undone');
    });

    it('does nothing outside a transaction', async () => {
      const before = await visible();
      await writeDeferredNow(db);
      expect(await visible()).toEqual(before);
    });
  });
});
