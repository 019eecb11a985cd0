import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import { engineOf } from './engine.js';
import { SqliteArrayReader } from './sqlite-array-reader.js';

export { SqliteArrayReader } from './sqlite-array-reader.js';

/**
 * A bytes column read as lower-case hexadecimal text, computed by the database: one string
 * per value is cheaper to read than one buffer. On SQLite a value of another type reads as
 * the hex of its bytes as text, so it still differs from every 32-byte hash.
 */
export function hexOf<S>(db: Kysely<S>, column: string): RawBuilder<string | null> {
  return engineOf(db) === 'postgres'
    ? sql<string | null>`encode(${sql.ref(column)}, 'hex')`
    : sql<string | null>`lower(hex(${sql.ref(column)}))`;
}

/**
 * The file of the SQLite database behind `db`, for a connection of its own; undefined on
 * PostgreSQL, for a database in memory, and inside a transaction, whose uncommitted
 * writes another connection could not see.
 */
export async function sqliteFileOf<S>(db: Kysely<S>): Promise<string | undefined> {
  if (engineOf(db) !== 'sqlite' || db.isTransaction) return undefined;
  const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
  const file = rows.find((row) => row.name === 'main')?.file;
  return file === undefined || file === '' ? undefined : file;
}

let cursors = 0;

/**
 * Streams the rows of a SELECT as arrays of column values in select-list order, a batch
 * at a time, all from one snapshot. SQLite reads on a read-only connection of its own
 * (better-sqlite3 raw rows), leaving the application's connection free between batches;
 * PostgreSQL reads through a server-side cursor in a read-only transaction. Column names
 * must be distinct. Inside a transaction on SQLite, whose one connection cannot interleave
 * a cursor with other queries, the whole result is read at once and handed out in batches.
 */
export async function* streamRowArrays<S>(
  db: Kysely<S>,
  query: CompiledQuery,
  batchSize: number,
): AsyncGenerator<unknown[][]> {
  if (engineOf(db) === 'postgres') {
    yield* postgresCursor(db, query, batchSize);
    return;
  }
  const file = await sqliteFileOf(db);
  if (file === undefined) {
    const { rows } = await db.executeQuery<Record<string, unknown>>(query);
    for (let at = 0; at < rows.length; at += batchSize) {
      yield rows.slice(at, at + batchSize).map((row) => Object.values(row));
    }
    return;
  }
  const reader = new SqliteArrayReader(file);
  const rows = reader.iterate(query.sql, query.parameters);
  try {
    for (;;) {
      const batch: unknown[][] = [];
      for (let next = rows.next(); !next.done; next = rows.next()) {
        batch.push(next.value);
        if (batch.length === batchSize) break;
      }
      if (batch.length > 0) yield batch;
      if (batch.length < batchSize) return;
    }
  } finally {
    rows.return?.();
    reader.close();
  }
}

async function* postgresCursor<S>(
  db: Kysely<S>,
  query: CompiledQuery,
  batchSize: number,
): AsyncGenerator<unknown[][]> {
  // A cursor lives in a transaction: the caller's, or a read-only one of its own.
  const own = db.isTransaction
    ? undefined
    : await db.startTransaction().setAccessMode('read only').execute();
  const trx = own ?? db;
  const name = `row_stream_${++cursors}`;
  try {
    await trx.executeQuery(
      CompiledQuery.raw(`declare ${name} no scroll cursor for ${query.sql}`, [...query.parameters]),
    );
    for (;;) {
      const { rows } = await trx.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(`fetch forward ${Math.floor(batchSize)} from ${name}`),
      );
      if (rows.length > 0) yield rows.map((row) => Object.values(row));
      if (rows.length < batchSize) return;
    }
  } finally {
    if (own !== undefined) await own.rollback().execute();
    else await trx.executeQuery(CompiledQuery.raw(`close ${name}`)).catch(() => undefined);
  }
}
