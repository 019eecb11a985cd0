import type {
  DatabaseConnection,
  Driver,
  Kysely,
  QueryCompiler,
  TransactionSettings,
} from 'kysely';

/** Callbacks waiting for the transaction running on a connection to commit. */
const waiting = new WeakMap<DatabaseConnection, (() => void)[]>();

/**
 * Runs `callback` once the transaction `db` belongs to has committed (durably: after the
 * engine's COMMIT returned), and never if it rolls back; at once outside a transaction.
 * For work that must not see, or be seen before, the data it follows, such as waking a
 * worker for a job just enqueued. A callback that throws is the caller's bug: it is not
 * caught here, so keep callbacks to scheduling.
 */
export async function afterCommit(
  db: Pick<Kysely<unknown>, 'isTransaction' | 'getExecutor'>,
  callback: () => void,
): Promise<void> {
  if (!db.isTransaction) {
    callback();
    return;
  }
  await db.getExecutor().provideConnection(async (connection) => {
    const list = waiting.get(connection);
    if (list === undefined) waiting.set(connection, [callback]);
    else list.push(callback);
  });
}

/** A driver that runs the `afterCommit` callbacks of each transaction once it commits. */
export class AfterCommitDriver implements Driver {
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
    waiting.delete(connection);
    return this.#driver.beginTransaction(connection, settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#driver.commitTransaction(connection);
    const callbacks = waiting.get(connection) ?? [];
    waiting.delete(connection);
    for (const callback of callbacks) callback();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    waiting.delete(connection);
    await this.#driver.rollbackTransaction(connection);
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#driver.savepoint?.(connection, name, compileQuery);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#driver.rollbackToSavepoint?.(connection, name, compileQuery);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#driver.releaseSavepoint?.(connection, name, compileQuery);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#driver.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.#driver.destroy();
  }
}
