import type { Kysely } from 'kysely';
import { loadConfig, type Config } from '../../src/app/config.js';
import { MIGRATIONS } from '../../src/app/migrations.js';
import { ManualClock } from '../../src/platform/clock.js';
import {
  migrateToLatest,
  openDatabase,
  tablesOf,
  type Database,
  type NamedMigration,
} from '../../src/platform/db/index.js';
import {
  AuditSealer,
  AuditSigningKey,
  auditSigningKeyPath,
  DatabaseAuditSink,
  type AuditEvent,
  type AuditSealerOptions,
  type AuditSealTables,
} from '../../src/privacy/audit/index.js';
import { createTestStore, type TestStore } from '../helpers/test-engines.js';

/** A migrated store with an audit sink, a signing key and a clock the test moves. */
export interface AuditLogFixture {
  readonly store: TestStore;
  readonly config: Config;
  readonly database: Database;
  readonly db: Kysely<AuditSealTables>;
  readonly sink: DatabaseAuditSink;
  readonly key: AuditSigningKey;
  readonly clock: ManualClock;
  /** A sealer signing with the fixture's key on the fixture's clock. */
  sealer(options?: Partial<Omit<AuditSealerOptions, 'signer' | 'clock'>>): AuditSealer;
  /** Records `count` synthetic events through the sink. */
  record(count: number): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

/** A synthetic event: pseudonymous ids, categories and codes, varied so no two are alike. */
export function syntheticEvent(i = counter++): AuditEvent {
  const decisions = ['clear', 'masked', 'deny', 'none'] as const;
  return {
    occurredAt: new Date(Date.UTC(2026, 2, 1) + i * 1000),
    actorId: `stf_actor${i % 7}`,
    actorRole: i % 3 === 0 ? 'support_agent' : 'privacy_officer,support_agent',
    action: i % 2 === 0 ? 'customer.read' : 'customer.reveal',
    purpose: i % 5 === 0 ? null : 'customer_support',
    subjectId: i % 4 === 0 ? null : `cus_subject${i % 11}`,
    categories: i % 6 === 0 ? [] : ['registration.email', 'registration.name'],
    decision: decisions[i % 4] ?? 'none',
    requestId: i % 9 === 0 ? null : `req-${i}`,
    outcome: i % 8 === 0 ? 'denied' : 'success',
    ...(i % 3 === 1 ? { detail: { fields: i % 4, code: 'X_Y' } } : {}),
  };
}

/**
 * Opens a fresh store on `engine`, migrated (to the end of `migrations`, every one unless
 * told), with the signing key the server would create.
 */
export async function openAuditLogFixture(
  engine: 'sqlite' | 'postgres',
  migrations: readonly NamedMigration[] = MIGRATIONS,
): Promise<AuditLogFixture> {
  const store = await createTestStore(engine);
  const config = loadConfig({ env: store.env });
  const database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
  await migrateToLatest(database.db, migrations);
  const db = tablesOf<AuditSealTables>(database.db);
  const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
  const key = AuditSigningKey.openOrCreate(auditSigningKeyPath(config.keyringPath), clock);
  const sink = new DatabaseAuditSink(tablesOf(database.db));
  return {
    store,
    config,
    database,
    db,
    sink,
    key,
    clock,
    sealer: (options = {}) => new AuditSealer(db, { signer: key, clock, ...options }),
    record: async (count) => {
      const events = Array.from({ length: count }, () => syntheticEvent());
      for (let start = 0; start < events.length; start += 1000) {
        await sink.record(events.slice(start, start + 1000));
      }
    },
    close: async () => {
      await database.close();
      await store.cleanup();
    },
  };
}
