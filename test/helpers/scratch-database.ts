// A database on a fresh store with one table of the test's own, for tests of platform/db.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { openDatabase } from '../../src/platform/db/index.js';
import { createTestStore } from './test-engines.js';

/** The database and how to drop it with its store. */
export interface ScratchDatabase<T> {
  readonly db: Kysely<T>;
  close(): Promise<void>;
}

/**
 * Opens a fresh store on `engine` and creates `table`: a numbered `id` key (serial on
 * PostgreSQL, the rowid on SQLite), then `columns`.
 */
export async function openScratchDatabase<T>(
  engine: 'sqlite' | 'postgres',
  table: string,
  columns: RawBuilder<unknown>,
): Promise<ScratchDatabase<T>> {
  const store = await createTestStore(engine);
  const database = await openDatabase<T>({ url: store.databaseUrl, dataDir: store.dataDir });
  const id = engine === 'postgres' ? sql`serial primary key` : sql`integer primary key`;
  await sql`create table ${sql.table(table)} (id ${id}, ${columns})`.execute(database.db);
  return {
    db: database.db,
    close: async () => {
      await database.close();
      await store.cleanup();
    },
  };
}
