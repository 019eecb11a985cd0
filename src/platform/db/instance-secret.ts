import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PlatformTables } from './base-migration.js';

/**
 * Secrets of one installation (HMAC keys for rate-limit buckets, login throttles, CSRF
 * tokens), created by the migration of the module that uses them and shared by every
 * instance on the database. Each purpose has its own, so no two stores' hashes match.
 */
export async function createInstanceSecret(db: Kysely<unknown>, key: string): Promise<void> {
  await (db as Kysely<PlatformTables>)
    .insertInto('instance_meta')
    .values({ key, value: randomBytes(32).toString('base64') })
    .execute();
}

/** Removes a secret, for a migration's `down`. */
export async function dropInstanceSecret(db: Kysely<unknown>, key: string): Promise<void> {
  await (db as Kysely<PlatformTables>).deleteFrom('instance_meta').where('key', '=', key).execute();
}

/** Reads a secret created by `createInstanceSecret`. */
export async function loadInstanceSecret(db: Kysely<PlatformTables>, key: string): Promise<Buffer> {
  const row = await db
    .selectFrom('instance_meta')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64');
}
