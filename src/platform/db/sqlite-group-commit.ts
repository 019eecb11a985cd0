import type BetterSqlite3 from 'better-sqlite3';
import {
  SelectQueryNode,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import { FifoMutex } from './fifo-mutex.js';
import { leaveWriteTurn, writeTurn } from './sqlite-write-turns.js';

/** Prepared statements by SQL text: the connection's only way to run SQL. */
export interface StatementSource {
  prepare(sql: string): BetterSqlite3.Statement;
}

/** The connections the driver runs on, and their statement caches. */
export interface SqliteConnections {
  /** The read-write connection every transaction and write runs on. */
  readonly writer: BetterSqlite3.Database;
  readonly writerStatements: StatementSource;
  /** A read-only connection for reads outside transactions: it sees the last commit. */
  readonly reader: BetterSqlite3.Database;
  readonly readerStatements: StatementSource;
  /** The database file, for taking turns with other connections of this process. */
  readonly file: string;
}

/** At most this many uses share one commit; the one that fills a batch commits it at once. */
const MAX_BATCH = 512;

/** How long opening a batch waits for another connection's write lock before failing. */
export const BUSY_TIMEOUT_MS = 5000;

/** Statements SQLite refuses or ignores inside a transaction: run between batches. */
const OUTSIDE_TRANSACTIONS = /^\s*(pragma|vacuum)\b/i;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The transaction control the driver runs, prepared once. */
interface Control {
  readonly begin: BetterSqlite3.Statement;
  /** The connection's busy timeout, off while BEGIN is tried and back on after. */
  readonly noWait: BetterSqlite3.Statement;
  readonly wait: BetterSqlite3.Statement;
  readonly commit: BetterSqlite3.Statement;
  readonly rollback: BetterSqlite3.Statement;
  /** The savepoint each transaction of a batch runs in. */
  readonly savepoint: BetterSqlite3.Statement;
  readonly release: BetterSqlite3.Statement;
  readonly rollbackTo: BetterSqlite3.Statement;
}

function prepareControl(database: BetterSqlite3.Database): Control {
  return {
    begin: database.prepare('begin immediate'),
    noWait: database.prepare('pragma busy_timeout = 0'),
    wait: database.prepare(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`),
    commit: database.prepare('commit'),
    rollback: database.prepare('rollback'),
    savepoint: database.prepare('savepoint custodia_member'),
    release: database.prepare('release custodia_member'),
    rollbackTo: database.prepare('rollback to custodia_member'),
  };
}

/** Uses of the connection waiting for one durable commit, the group's shared fate. */
class Batch {
  readonly #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  commitScheduled = false;

  get size(): number {
    return this.#waiters.length;
  }

  /** A promise that settles when the batch commits or is lost. */
  join(): Promise<void> {
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  committed(): void {
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  lost(error: unknown): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The Kysely driver of the embedded database, with group commit. A durable commit on
 * SQLite is an fsync, and better-sqlite3 waits for it on the event loop; one per
 * transaction caps how many a second the shop can commit at all. Here every transaction,
 * and every statement that writes outside one, runs in a savepoint of one shared
 * `BEGIN IMMEDIATE` transaction (the batch). The batch commits when the event loop has
 * run what was ready (setImmediate), behind whoever waits for the connection, or at once
 * when it holds MAX_BATCH uses: one fsync for all of them. Another process's write lock
 * (a CLI command) is waited for with timers, not by SQLite's busy handler, which would
 * stop the event loop and with it this batch's commit; connections of this process to
 * the same file (tests run two instances so) take turns in order.
 *
 * Durability is not weakened: a use of the connection inside a batch finishes only after
 * the batch's COMMIT returned (a transaction's commit, for the controlled kind too), so
 * no caller is told of anything a power cut could still undo. A read outside a
 * transaction runs on a read-only connection of its own, which sees only what was
 * committed: it neither waits for the batch nor shows what the batch has not made
 * durable yet. A transaction that rolls back undoes only its own savepoint. Should SQLite
 * roll the whole batch back (a full disk, an I/O error), or its COMMIT fail, every use in
 * it fails with that error, as each would have alone.
 */
export class GroupCommitSqliteDriver implements Driver {
  readonly #database: BetterSqlite3.Database;
  readonly #connections: SqliteConnections;
  readonly #control: Control;
  readonly #mutex = new FifoMutex();
  readonly #writeTurn: FifoMutex;
  #batch: Batch | undefined;
  /** Handles given out and not yet released; closing waits until there are none. */
  #inUse = 0;
  #idle: (() => void) | undefined;

  constructor(connections: SqliteConnections) {
    this.#connections = connections;
    this.#database = connections.writer;
    this.#control = prepareControl(connections.writer);
    this.#writeTurn = writeTurn(connections.file);
  }

  async init(): Promise<void> {
    // The connections are opened and configured by the caller.
  }

  /**
   * A handle of its own for each caller, to tell uses apart. Reads outside transactions
   * need nothing more; the read-write connection is waited for only when a transaction
   * begins or a statement writes.
   */
  async acquireConnection(): Promise<DatabaseConnection> {
    this.#inUse += 1;
    return new GroupCommitConnection(this.#connections, this);
  }

  /** Waits for the read-write connection, once per use. */
  async takeWriter(use: Use): Promise<void> {
    if (use.holdsWriter) return;
    await this.#mutex.lock();
    use.holdsWriter = true;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const use = useOf(connection);
    await this.takeWriter(use);
    await this.#join(use);
    this.#control.savepoint.run();
  }

  /**
   * Releases the transaction's savepoint, hands the connection on (the transaction is
   * over, nothing more runs on this handle) and waits until the batch is durable.
   */
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const use = useOf(connection);
    this.run(use, () => this.#control.release.run());
    await this.#finish(use);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const use = useOf(connection);
    // Nothing to undo when the connection is already handed on (a failed batch commit)
    // or SQLite rolled the whole batch back.
    if (use.finished || !this.#database.inTransaction) return;
    this.run(use, () => {
      this.#control.rollbackTo.run();
      this.#control.release.run();
    });
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.run(useOf(connection), () => this.#database.exec(`savepoint ${quoted(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.run(useOf(connection), () => this.#database.exec(`rollback to ${quoted(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.run(useOf(connection), () => this.#database.exec(`release ${quoted(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.#finish(useOf(connection));
    } finally {
      this.#inUse -= 1;
      if (this.#inUse === 0) this.#idle?.();
    }
  }

  /** Waits for the uses in flight (their batch commits), then closes both connections. */
  async destroy(): Promise<void> {
    if (this.#inUse > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    await this.#mutex.lock();
    if (this.#batch !== undefined) this.#commit(this.#batch);
    if (this.#connections.reader.open) this.#connections.reader.close();
    if (this.#database.open) this.#database.close();
    leaveWriteTurn(this.#connections.file);
  }

  /**
   * Before each statement on the read-write connection: a write outside a transaction
   * opens the batch; anything that runs while the batch is open becomes part of it. A
   * pragma runs between batches: an open batch commits first.
   */
  async beforeStatement(use: Use, sql: string, readonly: boolean): Promise<void> {
    await this.takeWriter(use);
    if (use.lost !== undefined) throw use.lost;
    if (OUTSIDE_TRANSACTIONS.test(sql)) {
      if (use.joined) throw new Error('A pragma cannot run inside a transaction');
      if (this.#batch !== undefined) this.#commit(this.#batch);
      return;
    }
    if (this.#batch !== undefined || !readonly) await this.#join(use);
  }

  /** Runs `work` on the connection; a failure that cost the whole batch fails all its uses. */
  run<T>(use: Use, work: () => T): T {
    try {
      return work();
    } catch (error) {
      const batch = this.#batch;
      if (batch !== undefined && !this.#database.inTransaction) {
        this.#end();
        use.lost = error instanceof Error ? error : new Error('SQLite rolled the batch back');
        batch.lost(error);
      }
      throw error;
    }
  }

  async #join(use: Use): Promise<void> {
    this.#batch ??= await this.#open();
    use.joined = true;
  }

  /**
   * This process's turn to write the file, then BEGIN IMMEDIATE, retried on timers while
   * another process holds the write lock. The turn is held until the batch ends.
   */
  async #open(): Promise<Batch> {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    await this.#writeTurn.lock();
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      this.#control.noWait.get();
      try {
        this.#control.begin.run();
        return new Batch();
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) {
          this.#writeTurn.unlock();
          throw error;
        }
      } finally {
        this.#control.wait.get();
      }
      await pause(wait);
    }
  }

  /** The batch is over, committed or not: the next writer of the file may go. */
  #end(): void {
    this.#batch = undefined;
    this.#writeTurn.unlock();
  }

  /** Hands the connection on, once per use; a use in the batch then waits for its commit. */
  async #finish(use: Use): Promise<void> {
    if (use.finished || !use.holdsWriter) return;
    use.finished = true;
    const batch = use.joined && use.lost === undefined ? this.#batch : undefined;
    if (batch === undefined) {
      this.#mutex.unlock();
      return;
    }
    const durable = batch.join();
    if (batch.size >= MAX_BATCH) this.#commit(batch);
    else this.#scheduleCommit(batch);
    this.#mutex.unlock();
    await durable;
  }

  #scheduleCommit(batch: Batch): void {
    if (batch.commitScheduled) return;
    batch.commitScheduled = true;
    setImmediate(() => {
      void this.#mutex.lock().then(() => {
        try {
          // Committed already (it filled up) or lost: nothing left to do.
          if (this.#batch === batch) this.#commit(batch);
        } finally {
          this.#mutex.unlock();
        }
      });
    });
  }

  /** Commits the open batch; the caller holds the connection. */
  #commit(batch: Batch): void {
    this.#end();
    try {
      this.#control.commit.run();
    } catch (error) {
      if (this.#database.inTransaction) this.#control.rollback.run();
      batch.lost(error);
      return;
    }
    batch.committed();
  }
}

/** What one holder of the connection has done with it. */
interface Use {
  /** It holds the read-write connection (it began a transaction or wrote). */
  holdsWriter: boolean;
  /** It ran inside the open batch, so it finishes only when the batch is durable. */
  joined: boolean;
  /** The connection is handed on; nothing more runs on this handle. */
  finished: boolean;
  /** The batch it ran in was rolled back by SQLite itself; nothing more may run. */
  lost?: Error;
}

function useOf(connection: DatabaseConnection): Use {
  if (!(connection instanceof GroupCommitConnection)) {
    throw new TypeError('Not a connection of the group-commit driver');
  }
  return connection.use;
}

/**
 * One caller's handle: a read outside a transaction runs on the read-only connection;
 * anything else on the read-write one, as part of the batch.
 */
class GroupCommitConnection implements DatabaseConnection {
  readonly use: Use = { holdsWriter: false, joined: false, finished: false };
  readonly #connections: SqliteConnections;
  readonly #driver: GroupCommitSqliteDriver;

  constructor(connections: SqliteConnections, driver: GroupCommitSqliteDriver) {
    this.#connections = connections;
    this.#driver = driver;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    // An array binds its items in order (better-sqlite3), however many there are.
    const parameters = compiledQuery.parameters as unknown[];
    if (!this.use.holdsWriter && !OUTSIDE_TRANSACTIONS.test(compiledQuery.sql)) {
      const read = this.#connections.readerStatements.prepare(compiledQuery.sql);
      if (read.readonly) return { rows: read.all(parameters) as R[] };
    }
    const statement = this.#connections.writerStatements.prepare(compiledQuery.sql);
    await this.#driver.beforeStatement(this.use, compiledQuery.sql, statement.readonly);
    return this.#driver.run(this.use, () => {
      if (statement.reader) return { rows: statement.all(parameters) as R[] };
      const { changes, lastInsertRowid } = statement.run(parameters);
      return {
        numAffectedRows: BigInt(changes),
        insertId: BigInt(lastInsertRowid),
        rows: [],
      };
    });
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiledQuery.query)) {
      throw new Error('The SQLite driver streams only SELECT queries');
    }
    const statement = this.#connections.writerStatements.prepare(compiledQuery.sql);
    await this.#driver.beforeStatement(this.use, compiledQuery.sql, statement.readonly);
    const rows = this.#driver.run(this.use, () =>
      statement.iterate(compiledQuery.parameters as unknown[]),
    );
    for (;;) {
      const next = this.#driver.run(this.use, () => rows.next());
      if (next.done === true) return;
      yield { rows: [next.value as R] };
    }
  }
}
