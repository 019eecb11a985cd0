import type { Kysely } from 'kysely';
import {
  columnTypes,
  createInstanceSecret,
  dropInstanceSecret,
  loadInstanceSecret,
  type NamedMigration,
  type PlatformTables,
} from '../../platform/db/index.js';

/** One run of failed sign-ins for one throttle key (an account or an address). */
export interface LoginThrottleTable {
  /** HMAC-SHA256 (base64url) of the policy kind and the caller's key, under the instance secret. */
  throttle_key: string;
  failures: number;
  first_failure_at: number;
  last_failure_at: number;
  /** No attempt is allowed before this time (epoch ms); null when none is locked out. */
  locked_until: number | null;
}

/** Tables the login throttle uses. */
export type ThrottleTables = PlatformTables & {
  login_throttle: LoginThrottleTable;
};

const SECRET_KEY = 'login_throttle_key_secret';

/** Creates `login_throttle` and the instance secret its keys are hashed with. */
export const throttleMigration: NamedMigration = {
  name: '0008_login_throttle',
  migration: {
    async up(db: Kysely<unknown>) {
      const { epochMs } = columnTypes(db);
      await db.schema
        .createTable('login_throttle')
        .addColumn('throttle_key', 'text', (col) => col.primaryKey())
        .addColumn('failures', 'integer', (col) => col.notNull())
        .addColumn('first_failure_at', epochMs, (col) => col.notNull())
        .addColumn('last_failure_at', epochMs, (col) => col.notNull())
        .addColumn('locked_until', epochMs)
        .execute();
      // The sweep deletes by age; without this it would scan the table.
      await db.schema
        .createIndex('login_throttle_last_failure')
        .on('login_throttle')
        .column('last_failure_at')
        .execute();
      // A secret of its own, so that no other store's HMACs can be matched against these.
      await createInstanceSecret(db, SECRET_KEY);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('login_throttle').execute();
      await dropInstanceSecret(db, SECRET_KEY);
    },
  },
};

/** Reads the secret that throttle keys are hashed under. */
export async function loadThrottleSecret(db: Kysely<PlatformTables>): Promise<Buffer> {
  return loadInstanceSecret(db, SECRET_KEY);
}
