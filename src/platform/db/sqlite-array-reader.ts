import BetterSqlite3 from 'better-sqlite3';

/**
 * A read-only connection of its own to an SQLite file that returns rows as arrays of
 * column values: for long reads beside the application's connection, or in a worker
 * thread. It imports nothing of the query layer, so a thread that only reads starts fast.
 */
export class SqliteArrayReader {
  readonly #db: BetterSqlite3.Database;
  readonly #statements = new Map<string, BetterSqlite3.Statement<unknown[], unknown[]>>();

  constructor(file: string) {
    this.#db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    // The same patience as the application's connection while a writer checkpoints the WAL.
    this.#db.pragma('busy_timeout = 5000');
  }

  /** Every row of a query, as arrays in select-list order. */
  all(sql: string, parameters: readonly unknown[] = []): unknown[][] {
    return this.#prepare(sql).all(...parameters);
  }

  /**
   * The rows of a query one at a time, all from one snapshot of the file. The connection
   * is busy until the iterator is finished or returned, so finish or return it.
   */
  iterate(sql: string, parameters: readonly unknown[] = []): IterableIterator<unknown[]> {
    return this.#prepare(sql).iterate(...parameters);
  }

  /** Closes the connection; safe to call twice. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #prepare(sql: string): BetterSqlite3.Statement<unknown[], unknown[]> {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      // Arrays, not objects: building an object per row costs more than reading it.
      statement = this.#db.prepare<unknown[], unknown[]>(sql).raw(true);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}
