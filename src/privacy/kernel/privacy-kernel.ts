import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors/index.js';
import {
  keysErrors,
  LocalKeyring,
  ShredJournal,
  SubjectKeys,
  type KekProvider,
  type KeyCacheOptions,
} from '../keys/index.js';
import {
  Shredder,
  Vault,
  type FieldCodec,
  type VaultHooks,
  type VaultTables,
} from '../vault/index.js';

/** The privacy kernel's machinery, wired once per process. */
export interface PrivacyKernel {
  readonly kek: KekProvider;
  readonly keys: SubjectKeys;
  readonly vault: Vault;
  readonly shredder: Shredder;
  /** Subjects shredded again at startup because the database predates their erasure. */
  readonly reshredded: number;
}

/** Where the keys live and how the kernel behaves. */
export interface PrivacyKernelOptions {
  readonly keyringPath: string;
  readonly clock: Clock;
  readonly hooks?: VaultHooks;
  readonly cache?: KeyCacheOptions;
  /** Another KEK provider (HSM, KMS); the local keyring file when absent. */
  readonly kek?: KekProvider;
  /** The field codec; AES-256-GCM when absent (benchmarks swap it to measure its cost). */
  readonly codec?: FieldCodec;
}

/** The shred journal lives beside the keyring, apart from the database and its backups. */
export function shredJournalPath(keyringPath: string): string {
  return `${keyringPath}.shredded`;
}

/**
 * Opens the keyring (creating it on first start), wires keys, vault and shredder, and
 * re-applies the shred journal before anything else may read the database.
 */
export async function openPrivacyKernel(
  db: Kysely<VaultTables>,
  options: PrivacyKernelOptions,
): Promise<PrivacyKernel> {
  if (options.kek === undefined && !existsSync(options.keyringPath)) {
    await refuseNewKeyringOverKeys(db, options.keyringPath);
  }
  const kek = options.kek ?? LocalKeyring.open(options.keyringPath, options.clock);
  const keys = new SubjectKeys(db, kek, options.clock, options.cache);
  const vault = new Vault(db, keys, options.hooks, options.codec);
  const shredder = new Shredder(db, keys, new ShredJournal(shredJournalPath(options.keyringPath)));
  const reshredded = await shredder.reapplyJournal();
  return { kek, keys, vault, shredder, reshredded };
}

/**
 * A missing keyring is created only for a database that holds no data keys yet. Over
 * existing keys a new one could open nothing, would answer every lookup with "not found"
 * and would wrap new keys that the restored keyring could not open.
 */
async function refuseNewKeyringOverKeys(db: Kysely<VaultTables>, path: string): Promise<void> {
  const live = await db
    .selectFrom('subject_key')
    .select('subject_id')
    .where('wrapped_key', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  if (live !== undefined) {
    throw new AppError(keysErrors.KEK_UNAVAILABLE, {
      message: `Keyring ${path} is missing but the database holds data keys wrapped by it; restore the keyring file from its backup`,
    });
  }
}
