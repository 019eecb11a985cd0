import type {
  CompiledQuery,
  DatabaseConnection,
  Driver,
  Kysely,
  QueryCompiler,
  TransactionSettings,
} from 'kysely';

/**
 * Writes that can wait for the end of a transaction: items collected by `deferUntilCommit`
 * during it and written together just before it commits, in one statement where one
 * would have been run per call.
 */
export interface CommitDeferral<T> {
  /**
   * Writes `items`, in the order they were deferred, by running queries with `execute`
   * on the transaction's connection. A failure rolls the transaction back.
   */
  flush(items: readonly T[], execute: (query: CompiledQuery) => Promise<void>): Promise<void>;
}

/** What the transaction running on a connection has left for its commit. */
interface Pending {
  readonly deferred: Map<CommitDeferral<unknown>, unknown[]>;
  /** How many items each deferral held when a savepoint was taken, by savepoint name. */
  readonly savepoints: Map<string, Map<CommitDeferral<unknown>, number>>;
  readonly afterCommit: (() => void)[];
}

/** The transactions in progress on connections of a `CommitHooksDriver`. */
const pendingOf = new WeakMap<DatabaseConnection, Pending>();

type TransactionLike = Pick<Kysely<unknown>, 'isTransaction' | 'getExecutor'>;

/** The transaction `db` runs on, when it is one that a `CommitHooksDriver` manages. */
async function pendingFor(db: TransactionLike): Promise<Pending | undefined> {
  if (!db.isTransaction) return undefined;
  return db.getExecutor().provideConnection(async (connection) => pendingOf.get(connection));
}

/**
 * Runs `callback` once the transaction `db` belongs to has committed (durably: after the
 * engine's COMMIT returned), and never if it rolls back; at once outside a transaction.
 * For work that must not see, or be seen before, the data it follows, such as waking a
 * worker for a job just enqueued. A callback that throws is the caller's bug: it is not
 * caught here, so keep callbacks to scheduling.
 */
export async function afterCommit(db: TransactionLike, callback: () => void): Promise<void> {
  const pending = await pendingFor(db);
  if (pending === undefined) callback();
  else pending.afterCommit.push(callback);
}

/**
 * Leaves `items` for `deferral` to write just before the transaction `db` belongs to
 * commits, together with whatever else the transaction deferred to it; outside such a
 * transaction they are written at once. Items deferred after a savepoint the transaction
 * rolls back to are dropped with it. The transaction cannot read deferred items back
 * before its commit, so defer only writes nothing reads in the same transaction.
 */
export async function deferUntilCommit<T>(
  db: TransactionLike,
  deferral: CommitDeferral<T>,
  items: readonly T[],
): Promise<void> {
  const pending = await pendingFor(db);
  if (pending === undefined) {
    await deferral.flush(items, async (query) => {
      await db.getExecutor().executeQuery(query);
    });
    return;
  }
  const list = pending.deferred.get(deferral);
  if (list === undefined) pending.deferred.set(deferral, [...items]);
  else list.push(...items);
}

/** Writes what a transaction deferred, on its connection. */
async function writeDeferred(connection: DatabaseConnection, pending: Pending): Promise<void> {
  const execute = async (query: CompiledQuery) => {
    await connection.executeQuery(query);
  };
  for (const [deferral, items] of pending.deferred) {
    if (items.length > 0) await deferral.flush(items, execute);
  }
}

/**
 * Writes now, on its connection, what the transaction `db` belongs to has deferred so far,
 * instead of as it commits; whatever it defers later is still written at its commit. For a
 * transaction about to lock rows that other transactions wait for, such as a popular
 * variant's stock: written first, its deferred rows are not part of the time those locks
 * are held (on PostgreSQL each statement is a round trip, and the locks last until
 * COMMIT). Does nothing outside a transaction, where nothing is deferred, and while a
 * savepoint is open: rolling back to it must still drop what was deferred after it, so
 * those items wait for the commit.
 */
export async function writeDeferredNow(db: TransactionLike): Promise<void> {
  if (!db.isTransaction) return;
  await db.getExecutor().provideConnection(async (connection) => {
    const pending = pendingOf.get(connection);
    if (pending === undefined || pending.savepoints.size > 0 || pending.deferred.size === 0) {
      return;
    }
    await writeDeferred(connection, pending);
    pending.deferred.clear();
  });
}

/**
 * A driver that carries out what transactions leave for their commit: the deferred writes
 * just before COMMIT, on the same connection, and the `afterCommit` callbacks once it has
 * committed.
 */
export class CommitHooksDriver implements Driver {
  readonly #driver: Driver;

  constructor(driver: Driver) {
    this.#driver = driver;
  }

  init(): Promise<void> {
    return this.#driver.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return this.#driver.acquireConnection();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // A pooled connection is reused: nothing of an earlier transaction carries over.
    pendingOf.set(connection, { deferred: new Map(), savepoints: new Map(), afterCommit: [] });
    return this.#driver.beginTransaction(connection, settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const pending = pendingOf.get(connection);
    // A failed write throws before COMMIT, so the caller rolls the transaction back.
    if (pending !== undefined && pending.deferred.size > 0)
      await writeDeferred(connection, pending);
    await this.#driver.commitTransaction(connection);
    pendingOf.delete(connection);
    for (const callback of pending?.afterCommit ?? []) callback();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    pendingOf.delete(connection);
    await this.#driver.rollbackTransaction(connection);
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#driver.savepoint?.(connection, name, compileQuery);
    const pending = pendingOf.get(connection);
    if (pending === undefined) return;
    const counts = new Map<CommitDeferral<unknown>, number>();
    for (const [deferral, items] of pending.deferred) counts.set(deferral, items.length);
    pending.savepoints.set(name, counts);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#driver.rollbackToSavepoint?.(connection, name, compileQuery);
    const pending = pendingOf.get(connection);
    const counts = pending?.savepoints.get(name);
    if (pending === undefined || counts === undefined) return;
    for (const [deferral, items] of pending.deferred) items.length = counts.get(deferral) ?? 0;
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#driver.releaseSavepoint?.(connection, name, compileQuery);
    pendingOf.get(connection)?.savepoints.delete(name);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#driver.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.#driver.destroy();
  }
}
