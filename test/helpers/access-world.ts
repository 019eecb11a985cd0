import { join } from 'node:path';
import { MIGRATIONS } from '../../src/app/migrations.js';
import type { Clock } from '../../src/platform/clock.js';
import {
  migrateToLatest,
  openDatabase,
  tablesOf,
  type Database,
} from '../../src/platform/db/index.js';
import { isAppError } from '../../src/platform/errors/index.js';
import { newId } from '../../src/platform/ids.js';
import type { FieldInput } from '../../src/privacy/access/index.js';
import { ConsentLedger, type ConsentTables } from '../../src/privacy/consent/index.js';
import { openPrivacyKernel, type PrivacyKernel } from '../../src/privacy/kernel/index.js';
import type { VaultTables } from '../../src/privacy/vault/index.js';
import { createTestStore, type TestStore } from './test-engines.js';

/** A migrated database on one engine with the real privacy kernel and consent ledger. */
export interface AccessWorld {
  readonly store: TestStore;
  readonly database: Database;
  readonly kernel: PrivacyKernel;
  readonly keyringPath: string;
  readonly ledger: ConsentLedger;
}

/** One synthetic customer whose fields are sealed through the real vault. */
export interface SealedCustomer {
  readonly id: string;
  readonly clear: Record<'customers.email' | 'customers.name' | 'customers.phone', string>;
  readonly fields: readonly FieldInput[];
}

/** Opens an access world: fresh store, every migration, the kernel on the given clock. */
export async function openAccessWorld(
  engine: 'sqlite' | 'postgres',
  clock: Clock,
): Promise<AccessWorld> {
  const store = await createTestStore(engine);
  const database = await openDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
  await migrateToLatest(database.db, MIGRATIONS);
  const keyringPath = join(store.dataDir, 'keyring.json');
  const kernel = await openPrivacyKernel(tablesOf<VaultTables>(database.db), {
    keyringPath,
    clock,
  });
  const ledger = new ConsentLedger(tablesOf<ConsentTables>(database.db));
  return { store, database, kernel, keyringPath, ledger };
}

/** Closes the world and removes its store. */
export async function closeAccessWorld(world: AccessWorld): Promise<void> {
  await world.database.close();
  await world.store.cleanup();
}

/** Seals a customer's email, name and phone under a fresh subject id. */
export async function sealCustomer(world: AccessWorld, label: string): Promise<SealedCustomer> {
  const id = newId('cus');
  const clear = {
    'customers.email': `${label}.${id.slice(-6)}@example.test`,
    'customers.name': `Ada ${label} Lovelace`,
    'customers.phone': '+44 20 7946 0042',
  };
  const writer = await world.kernel.vault.writer(id);
  const fields = (Object.keys(clear) as (keyof typeof clear)[]).map((field): FieldInput => ({
    field,
    rowId: id,
    sealed: writer.seal(field, id, clear[field]),
  }));
  return { id, clear, fields };
}

/** The code, status and details of the AppError a promise rejects with, if it does. */
export async function appErrorOf(
  promise: Promise<unknown>,
): Promise<[string, number, unknown] | undefined> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isAppError(error) ? [error.code, error.status, error.details] : undefined;
}
