import { ManualClock } from '../../src/platform/clock.js';
import {
  baseMigration,
  migrateToLatest,
  openDatabase,
  tablesOf,
  type Database,
} from '../../src/platform/db/index.js';
import {
  createOutbox,
  outboxDoneJobsMigration,
  outboxMigration,
  type OutboxOptions,
  type OutboxTables,
  type RunningOutbox,
} from '../../src/platform/jobs/index.js';
import { captureLogs, type CapturedLogger } from '../helpers/log-capture.js';
import { createTestStore, type TestStore } from '../helpers/test-engines.js';

/** A store migrated with the outbox table alone, so these tests depend on no other module. */
export interface OutboxWorld {
  readonly store: TestStore;
  readonly database: Database;
  readonly clock: ManualClock;
  readonly logs: CapturedLogger;
  /** Another connection (pool) to the same database, as a second app instance has. */
  openDatabase(): Promise<Database>;
  /** An outbox on the world's database (or another), on the world's clock. */
  outbox(options?: Partial<OutboxOptions>): RunningOutbox;
  /** The stored row of a job. */
  row(id: string): Promise<OutboxTables['outbox_jobs'] | undefined>;
  count(): Promise<number>;
  close(): Promise<void>;
}

/** Opens a fresh store on one engine with the outbox table and its purge index. */
export async function openOutboxWorld(engine: 'sqlite' | 'postgres'): Promise<OutboxWorld> {
  const store = await createTestStore(engine);
  const open = () => openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
  const database = await open();
  await migrateToLatest(database.db, [baseMigration, outboxMigration, outboxDoneJobsMigration]);
  const clock = new ManualClock();
  const logs = captureLogs();
  const extra: Database[] = [];
  const outboxes: RunningOutbox[] = [];
  const jobs = () => tablesOf<OutboxTables>(database.db).selectFrom('outbox_jobs');
  return {
    store,
    database,
    clock,
    logs,
    openDatabase: async () => {
      const opened = await open();
      extra.push(opened);
      return opened;
    },
    outbox: (options = {}) => {
      const outbox = createOutbox({ db: database.db, clock, logger: logs.logger, ...options });
      outboxes.push(outbox);
      return outbox;
    },
    row: (id) => jobs().selectAll().where('id', '=', id).executeTakeFirst(),
    count: async () => (await jobs().select('id').execute()).length,
    close: async () => {
      for (const outbox of outboxes) await outbox.close();
      for (const opened of extra) await opened.close();
      await database.close();
      await store.cleanup();
    },
  };
}

/** A promise with its resolve function, to hold a handler at a known point. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
