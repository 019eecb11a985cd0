// The embedded database commits concurrent transactions together (one fsync for many),
// and still answers no caller before its work is durable; a transaction that fails undoes
// only itself, and a batch SQLite loses fails everyone in it.
import { mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Generated, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_FILE_NAME, type Database } from '../../src/platform/db/index.js';

interface Tables {
  items: { id: Generated<number>; label: string };
  parents: { id: number };
  children: { id: number; parent_id: number };
}

describe('SQLite group commit', () => {
  let dir: string;
  let database: Database<Tables>;
  let db: Kysely<Tables>;
  /** A second connection, as another process would have: it sees only committed data. */
  let observer: BetterSqlite3.Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custodia-group-commit-'));
    database = await openDatabase<Tables>({ dataDir: dir });
    db = database.db;
    await sql`create table items (id integer primary key, label text not null)`.execute(db);
    await sql`create table parents (id integer primary key)`.execute(db);
    await sql`create table children (
      id integer primary key,
      parent_id integer not null references parents (id) deferrable initially deferred
    )`.execute(db);
    await sql`create trigger refuse_doomed before insert on items when new.label = 'doomed'
      begin select raise(rollback, 'doomed'); end`.execute(db);
    observer = new BetterSqlite3(join(dir, SQLITE_FILE_NAME), { readonly: true });
  });

  afterEach(async () => {
    observer.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const committedLabels = (): string[] =>
    (observer.prepare('select label from items order by id').all() as { label: string }[]).map(
      (row) => row.label,
    );

  const insertInTransaction = (label: string) =>
    db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ label }).execute();
      return label;
    });

  /** WAL frames written so far: each commit appends the pages it changed. */
  const walFrames = (): number => {
    const pageSize = observer.pragma('page_size', { simple: true }) as number;
    const size = statSync(join(dir, `${SQLITE_FILE_NAME}-wal`)).size;
    return Math.max(0, (size - 32) / (pageSize + 24));
  };

  it('answers a transaction only once another connection can read what it wrote', async () => {
    const seenAtAnswer = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        insertInTransaction(`t${i}`).then((label) => committedLabels().includes(label)),
      ),
    );
    expect(seenAtAnswer).toEqual(Array.from({ length: 40 }, () => true));
  });

  it('answers a write outside a transaction only once durable; a read meanwhile sees the last commit', async () => {
    await insertInTransaction('committed');
    const write = db
      .insertInto('items')
      .values({ label: 'plain' })
      .execute()
      .then(() => committedLabels());
    const read = await db.selectFrom('items').select('label').execute();
    expect(read.map((row) => row.label)).toEqual(['committed']);
    expect(await write).toEqual(['committed', 'plain']);
  });

  it('commits concurrent transactions together, where one after another each commits alone', async () => {
    await insertInTransaction('warm-up');
    const before = walFrames();
    for (let i = 0; i < 20; i++) await insertInTransaction(`serial-${i}`);
    const serial = walFrames() - before;
    await Promise.all(Array.from({ length: 20 }, (_, i) => insertInTransaction(`together-${i}`)));
    const together = walFrames() - before - serial;
    expect(serial).toBeGreaterThanOrEqual(20);
    expect(together).toBeLessThanOrEqual(4);
    expect(committedLabels()).toHaveLength(41);
  });

  it('rolls back a failing transaction alone; the others of its batch commit', async () => {
    const results = await Promise.allSettled([
      insertInTransaction('first'),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ label: 'rolled-back' }).execute();
        throw new Error('changed its mind');
      }),
      insertInTransaction('third'),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committedLabels()).toEqual(['first', 'third']);
  });

  it('fails every transaction of a batch that SQLite rolls back, then carries on', async () => {
    const results = await Promise.allSettled([
      insertInTransaction('innocent'),
      insertInTransaction('doomed'),
      insertInTransaction('later'),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/doomed/);
    expect(committedLabels()).toEqual(['later']);
    await insertInTransaction('afterwards');
    expect(committedLabels()).toEqual(['later', 'afterwards']);
  });

  it('fails every transaction of a batch whose commit fails, and leaves nothing behind', async () => {
    const results = await Promise.allSettled([
      insertInTransaction('bystander'),
      // A child without its parent passes its own savepoint; the deferred key fails COMMIT.
      db.transaction().execute(async (trx) => {
        await trx.insertInto('children').values({ id: 1, parent_id: 99 }).execute();
      }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(committedLabels()).toEqual([]);
    expect(observer.prepare('select count(*) as n from children').get()).toEqual({ n: 0 });
    await insertInTransaction('afterwards');
    expect(committedLabels()).toEqual(['afterwards']);
  });

  it('keeps savepoints inside a transaction working', async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('items').values({ label: 'kept' }).execute();
    const inner = await trx.savepoint('inner').execute();
    await inner.insertInto('items').values({ label: 'undone' }).execute();
    await inner.rollbackToSavepoint('inner').execute();
    await trx.commit().execute();
    expect(committedLabels()).toEqual(['kept']);
  });

  it('keeps what a savepoint needs to undo in memory, not in a temporary file', async () => {
    /** Temporary files SQLite holds open in this process (it unlinks them at once). */
    const openTempFiles = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).includes('etilqs_');
        } catch {
          return false; // closed since the listing
        }
      });
    const label = 'x'.repeat(2000);
    await db
      .insertInto('items')
      .values(Array.from({ length: 200 }, () => ({ label })))
      .execute();
    // Rewriting the committed rows makes every transaction's savepoint journal their
    // pages: far past the 64 KiB SQLite keeps in memory before it spills to a file.
    const trx = await db.startTransaction().execute();
    await trx
      .updateTable('items')
      .set({ label: 'y'.repeat(2000) })
      .execute();
    const tempFilesInBatch = openTempFiles();
    await trx.commit().execute();
    expect(tempFilesInBatch).toEqual([]);
  });

  it('runs a pragma between batches: what was pending commits first', async () => {
    const pending = insertInTransaction('before-checkpoint');
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    await expect(pending).resolves.toBe('before-checkpoint');
    expect(statSync(join(dir, `${SQLITE_FILE_NAME}-wal`)).size).toBe(0);
    expect(committedLabels()).toEqual(['before-checkpoint']);
  });

  it("waits for another connection's write lock without stopping the event loop", async () => {
    const other = new BetterSqlite3(join(dir, SQLITE_FILE_NAME));
    try {
      other.exec('begin immediate');
      other.prepare("insert into items (label) values ('other')").run();
      let settled = false;
      const mine = insertInTransaction('mine').finally(() => (settled = true));
      // The loop turns (timers run) while the write waits for the lock.
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(settled).toBe(false);
      other.exec('commit');
      await expect(mine).resolves.toBe('mine');
      expect(committedLabels()).toEqual(['other', 'mine']);
    } finally {
      other.close();
    }
  });

  it('lets two connections of one process write the same file in turns', async () => {
    const second = await openDatabase<Tables>({ dataDir: dir });
    try {
      const writes = Array.from({ length: 60 }, (_, i) =>
        (i % 2 === 0 ? db : second.db).transaction().execute((trx) =>
          trx
            .insertInto('items')
            .values({ label: `w${i}` })
            .execute(),
        ),
      );
      await Promise.all(writes);
      expect(committedLabels()).toHaveLength(60);
    } finally {
      await second.close();
    }
  });

  it('commits what is pending when the database closes', async () => {
    const pending = insertInTransaction('last');
    await database.close();
    await expect(pending).resolves.toBe('last');
    expect(committedLabels()).toEqual(['last']);
  });
});
