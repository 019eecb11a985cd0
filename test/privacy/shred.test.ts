// C4.4: crypto-shredding. Erasing a subject destroys its data key and blind-index rows in
// one transaction; reads give Erased, lookups nothing, and a restored backup stays erased.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/app/config.js';
import { openMigratedDatabase } from '../../src/app/server.js';
import { systemClock } from '../../src/platform/clock.js';
import { columnTypes, SQLITE_FILE_NAME, tablesOf } from '../../src/platform/db/index.js';
import type { Database, PlatformTables } from '../../src/platform/db/index.js';
import { isAppError } from '../../src/platform/errors/index.js';
import { newId } from '../../src/platform/ids.js';
import { countKeys, SHREDDED, ShredJournal } from '../../src/privacy/keys/index.js';
import type { PersonalFieldName } from '../../src/privacy/inventory/index.js';
import {
  openPrivacyKernel,
  shredJournalPath,
  type PrivacyKernel,
} from '../../src/privacy/kernel/index.js';
import { isErased, type VaultTables } from '../../src/privacy/vault/index.js';
import { assertNoLeaks, scanForMarkers, uniqueMarker } from '../helpers/leak-scan.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';

interface ProbeTable {
  shred_probe: { subject_id: string; row_id: string; field: string; value: Buffer };
}
type Tables = VaultTables & ProbeTable;

interface Subject {
  readonly id: string;
  readonly email: string;
  readonly values: { field: PersonalFieldName; rowId: string; value: string }[];
}

describeEachEngine('crypto-shredding (C4.4)', (engine) => {
  let store: TestStore;
  let config: Config;
  let database: Database<PlatformTables>;
  let kernel: PrivacyKernel;
  const db = () => tablesOf<Tables>(database.db);

  const openKernel = () =>
    openPrivacyKernel(tablesOf<VaultTables>(database.db), {
      keyringPath: config.keyringPath,
      clock: systemClock,
    });

  async function reopen(): Promise<PrivacyKernel> {
    await database.close();
    database = await openMigratedDatabase(config);
    kernel = await openKernel();
    return kernel;
  }

  beforeEach(async () => {
    store = await createTestStore(engine);
    config = loadConfig({ env: store.env });
    database = await openMigratedDatabase(config);
    kernel = await openKernel();
    await db()
      .schema.createTable('shred_probe')
      .addColumn('subject_id', 'text', (col) => col.notNull())
      .addColumn('row_id', 'text', (col) => col.notNull())
      .addColumn('field', 'text', (col) => col.notNull())
      .addColumn('value', columnTypes(db()).bytes, (col) => col.notNull())
      .execute();
  });

  afterEach(async () => {
    await database.close();
    await store.cleanup();
  });

  /** A subject with an indexed email and a name, sealed through the vault and stored. */
  async function writeSubject(label: string): Promise<Subject> {
    const id = newId('sub');
    const email = `${uniqueMarker(`${label}-email`)}@example.test`;
    const subject: Subject = {
      id,
      email,
      values: [
        { field: 'customers.email', rowId: newId('cus'), value: email },
        { field: 'customers.name', rowId: newId('cus'), value: uniqueMarker(`${label}-name`) },
      ],
    };
    const writer = await kernel.vault.writer(id);
    await db()
      .transaction()
      .execute(async (trx) => {
        for (const { field, rowId, value } of subject.values) {
          const sealed = writer.seal(field, rowId, value);
          await trx
            .insertInto('shred_probe')
            .values({ subject_id: id, row_id: rowId, field, value: sealed })
            .execute();
        }
        const emailRow = subject.values[0];
        if (emailRow === undefined) throw new Error('no email row');
        await kernel.vault.index(
          trx,
          'customers.email',
          { subjectId: id, rowId: emailRow.rowId },
          email,
        );
      });
    return subject;
  }

  /** What each of the subject's stored values reads as now: the plaintext or 'erased'. */
  async function readBack(subject: Subject, through = kernel): Promise<string[]> {
    const rows = await db()
      .selectFrom('shred_probe')
      .selectAll()
      .where('subject_id', '=', subject.id)
      .orderBy('row_id')
      .execute();
    expect(rows).toHaveLength(subject.values.length);
    const reader = await through.vault.reader(subject.id);
    return rows.map((row) => {
      const value = reader.open(row.field as PersonalFieldName, row.row_id, row.value);
      return isErased(value) ? 'erased' : value;
    });
  }

  const plain = (subject: Subject) =>
    [...subject.values].sort((a, b) => (a.rowId < b.rowId ? -1 : 1)).map((v) => v.value);

  const keyRow = (subjectId: string) =>
    db()
      .selectFrom('subject_key')
      .selectAll()
      .where('subject_id', '=', subjectId)
      .executeTakeFirst();

  const indexRows = (subjectId: string) =>
    db().selectFrom('blind_index').selectAll().where('subject_id', '=', subjectId).execute();

  async function errorCode(work: () => Promise<unknown>): Promise<string> {
    try {
      await work();
      return 'no error';
    } catch (error) {
      return isAppError(error) ? error.code : `untyped: ${String(error)}`;
    }
  }

  it('destroys the key and index rows; reads give Erased, lookups nothing, others untouched', async () => {
    const erased = await writeSubject('erased');
    const kept = await writeSubject('kept');
    expect(await readBack(erased)).toEqual(plain(erased)); // its key is now cached
    expect(await indexRows(erased.id)).toHaveLength(1);

    await kernel.shredder.shred(erased.id);

    expect(await keyRow(erased.id)).toMatchObject({ wrapped_key: null, kek_version: null });
    expect(Number((await keyRow(erased.id))?.shredded_at)).toBeGreaterThan(0);
    expect(await indexRows(erased.id)).toEqual([]);
    expect(await readBack(erased)).toEqual(['erased', 'erased']);
    expect(await readBack(erased, await openKernel())).toEqual(['erased', 'erased']);
    expect(await kernel.vault.lookup('customers.email', erased.email)).toEqual([]);
    expect(await errorCode(() => kernel.vault.writer(erased.id))).toBe('SUBJECT_ERASED');

    expect(await readBack(kept)).toEqual(plain(kept));
    expect((await keyRow(kept.id))?.wrapped_key).not.toBeNull();
    expect(await kernel.vault.lookup('customers.email', kept.email)).toEqual([
      { subjectId: kept.id, rowId: kept.values[0]?.rowId },
    ]);
    const counts = await countKeys(db());
    expect([...counts.byVersion]).toEqual([[1, 1]]);
    expect(counts.shredded).toBe(1);
    expect(new ShredJournal(shredJournalPath(config.keyringPath)).read()).toEqual([erased.id]);
  });

  it('is harmless twice, and leaves a tombstone for a subject that had no key yet', async () => {
    const subject = await writeSubject('twice');
    await kernel.shredder.shred(subject.id);
    const first = await keyRow(subject.id);
    await kernel.shredder.shred(subject.id);
    expect(await keyRow(subject.id)).toMatchObject({ id: first?.id, wrapped_key: null });
    expect(await readBack(subject)).toEqual(['erased', 'erased']);

    const never = newId('sub');
    await kernel.shredder.shred(never);
    expect(await keyRow(never)).toMatchObject({ wrapped_key: null, kek_version: null });
    expect(await errorCode(() => kernel.vault.writer(never))).toBe('SUBJECT_ERASED');
    expect((await countKeys(db())).shredded).toBe(2);
    expect(await reopen().then((k) => k.reshredded)).toBe(0);
  });

  it('commits all or nothing, and a shred cut short is finished by the journal at the next start', async () => {
    const subject = await writeSubject('atomic');
    await sql`ALTER TABLE blind_index RENAME TO blind_index_elsewhere`.execute(database.db);
    expect(await errorCode(() => kernel.shredder.shred(subject.id))).toMatch(/^untyped/);
    await sql`ALTER TABLE blind_index_elsewhere RENAME TO blind_index`.execute(database.db);
    // The key row was rolled back with the failed index delete: nothing half-done.
    expect((await keyRow(subject.id))?.wrapped_key).not.toBeNull();
    expect(await indexRows(subject.id)).toHaveLength(1);

    const restarted = await reopen();
    expect(restarted.reshredded).toBe(1);
    expect(await readBack(subject)).toEqual(['erased', 'erased']);
    expect(await indexRows(subject.id)).toEqual([]);
  });

  it('does not cache a key whose load began before an eviction', async () => {
    const subject = await writeSubject('evicted');
    kernel.keys.clearCache();
    const loading = kernel.keys.forReading(subject.id);
    kernel.keys.evict(subject.id);
    expect(await loading).not.toBe(SHREDDED);
    // Tombstone the row behind the kernel's back: only a cached key could still read it.
    await db()
      .updateTable('subject_key')
      .set({ wrapped_key: null, kek_version: null })
      .where('subject_id', '=', subject.id)
      .execute();
    expect(await kernel.keys.forReading(subject.id)).toBe(SHREDDED);
  });

  if (engine === 'sqlite') {
    it('leaves no wrapped key of a shredded subject anywhere in the database files', async () => {
      // Enough keys to fill several pages, so freed cells are not simply compacted away.
      const ids: string[] = [];
      for (let i = 0; i < 90; i++) ids.push(newId('sub'));
      for (const id of ids) await kernel.keys.forWriting(id);
      const wrappedOf = async (id: string) => {
        const wrapped = (await keyRow(id))?.wrapped_key;
        if (wrapped === undefined || wrapped === null) throw new Error('no wrapped key');
        return wrapped;
      };
      const erased = ids.filter((_, i) => i % 3 === 0);
      const erasedKeys = await Promise.all(erased.map(wrappedOf));
      const keptKeys = await Promise.all(ids.filter((_, i) => i % 3 !== 0).map(wrappedOf));
      for (const id of erased) await kernel.shredder.shred(id);
      await database.close();

      const excluded = new Set([config.keyringPath, shredJournalPath(config.keyringPath)]);
      const files = readdirSync(store.dataDir)
        .map((name) => join(store.dataDir, name))
        .filter((path) => !excluded.has(path));
      const found = (keys: Buffer[]) =>
        keys.filter((key) => files.some((path) => readFileSync(path).includes(key))).length;
      expect(found(keptKeys)).toBe(keptKeys.length); // the search does find live keys
      expect(found(erasedKeys)).toBe(0);
      database = await openMigratedDatabase(config);
    });

    it('stays erased when the database file is restored from before the erasure', async () => {
      for (let i = 0; i < 60; i++) await kernel.keys.forWriting(newId('sub'));
      const erased = await writeSubject('restored');
      const kept = await writeSubject('bystander');
      const before = await keyRow(erased.id);
      const file = join(store.dataDir, SQLITE_FILE_NAME);
      const backup = join(store.dataDir, 'backup', SQLITE_FILE_NAME);
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(database.db);
      mkdirSync(join(store.dataDir, 'backup'));
      copyFileSync(file, backup);

      await kernel.shredder.shred(erased.id);
      await database.close();
      for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      copyFileSync(backup, file);

      database = await openMigratedDatabase(config);
      expect((await keyRow(erased.id))?.wrapped_key).toEqual(before?.wrapped_key);
      kernel = await openKernel();
      expect(kernel.reshredded).toBe(1);
      expect(await keyRow(erased.id)).toMatchObject({ wrapped_key: null, kek_version: null });
      expect(await readBack(erased)).toEqual(['erased', 'erased']);
      expect(await kernel.vault.lookup('customers.email', erased.email)).toEqual([]);
      expect(await readBack(kept)).toEqual(plain(kept));
      await database.close();

      // The live database no longer holds the wrapped key anywhere, not even in free space.
      const wrapped = before?.wrapped_key;
      if (wrapped === undefined || wrapped === null) throw new Error('no wrapped key before');
      expect(readFileSync(backup).includes(wrapped)).toBe(true);
      expect(readFileSync(file).includes(wrapped)).toBe(false);
      const markers = [...erased.values, ...kept.values].map((v) => v.value.split('@')[0] ?? '');
      assertNoLeaks(
        await scanForMarkers({
          markers,
          dataDir: store.dataDir,
          exclude: [config.keyringPath, shredJournalPath(config.keyringPath)],
        }),
      );
      database = await openMigratedDatabase(config);
    });
  }

  if (engine === 'postgres') {
    it('does not keep serving a key that a concurrent read loaded while the shred committed', async () => {
      const subject = await writeSubject('raced');
      const blocker = new pg.Client({ connectionString: store.databaseUrl });
      await blocker.connect();
      try {
        // Hold the subject's index rows, so the shred stops after destroying the key row.
        const pidRow = await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const blockerPid = pidRow.rows[0]?.pid ?? -1;
        await blocker.query('BEGIN');
        await blocker.query('SELECT * FROM blind_index WHERE subject_id = $1 FOR UPDATE', [
          subject.id,
        ]);
        const shredding = kernel.shredder.shred(subject.id);
        // Watch from outside the blocker's transaction, which would see one frozen snapshot.
        let waiting = 0;
        for (let attempt = 0; attempt < 10_000 && waiting === 0; attempt++) {
          const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_stat_activity
              WHERE ${blockerPid} = ANY(pg_blocking_pids(pid))
                AND query ILIKE 'delete from "blind_index"%'`.execute(database.db);
          waiting = Number(rows[0]?.n);
        }
        expect(waiting).toBe(1);
        // Not committed yet: this read still sees the key, as it may.
        expect(await readBack(subject)).toEqual(plain(subject));
        await blocker.query('COMMIT');
        await shredding;
      } finally {
        await blocker.end();
      }
      expect(await readBack(subject)).toEqual(['erased', 'erased']);
    });

    it('stays erased when the key and index rows are restored from before the erasure', async () => {
      const erased = await writeSubject('restored');
      const kept = await writeSubject('bystander');
      const keyCopy = await keyRow(erased.id);
      const indexCopy = await indexRows(erased.id);
      if (keyCopy === undefined) throw new Error('no key row');

      await kernel.shredder.shred(erased.id);
      await db().deleteFrom('subject_key').where('subject_id', '=', erased.id).execute();
      await db().insertInto('subject_key').values(keyCopy).execute();
      await db().insertInto('blind_index').values(indexCopy).execute();
      expect(await kernel.vault.lookup('customers.email', erased.email)).toHaveLength(1);

      const restarted = await reopen();
      expect(restarted.reshredded).toBe(1);
      expect(await keyRow(erased.id)).toMatchObject({ wrapped_key: null, kek_version: null });
      expect(await readBack(erased)).toEqual(['erased', 'erased']);
      expect(await restarted.vault.lookup('customers.email', erased.email)).toEqual([]);
      expect(await readBack(kept)).toEqual(plain(kept));
      const markers = [...erased.values, ...kept.values].map((v) => v.value.split('@')[0] ?? '');
      assertNoLeaks(
        await scanForMarkers({
          markers,
          dataDir: store.dataDir,
          exclude: [config.keyringPath, shredJournalPath(config.keyringPath)],
          ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
        }),
      );
    });
  }
});
