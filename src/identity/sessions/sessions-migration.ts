import type { Kysely } from 'kysely';
import {
  createInstanceSecret,
  dropInstanceSecret,
  type NamedMigration,
  type PlatformTables,
} from '../../platform/db/index.js';

/** Who a session belongs to. */
export type AccountKind = 'customer' | 'staff';

/** One login: the token is stored only as its SHA-256 hash. */
export interface SessionTable {
  id: string;
  token_hash: string;
  account_kind: AccountKind;
  account_id: string;
  created_at: number;
  last_seen_at: number;
  /** The absolute end of the session, however active it is. */
  expires_at: number;
  revoked_at: number | null;
  /** When the holder last proved their password (and second factor) again. */
  reauthenticated_at: number;
}

/** Tables of the sessions module. */
export type SessionTables = PlatformTables & { sessions: SessionTable };

/** The instance secret CSRF tokens are derived with. */
export const CSRF_SECRET_KEY = 'csrf_token_secret';

/** Creates `sessions` and the CSRF secret. */
export const sessionsMigration: NamedMigration = {
  name: '0011_identity_sessions',
  migration: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('token_hash', 'text', (col) => col.notNull().unique())
        .addColumn('account_kind', 'text', (col) => col.notNull())
        .addColumn('account_id', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('reauthenticated_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('sessions_account')
        .on('sessions')
        .columns(['account_kind', 'account_id'])
        .execute();
      await createInstanceSecret(db, CSRF_SECRET_KEY);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('sessions').execute();
      await dropInstanceSecret(db, CSRF_SECRET_KEY);
    },
  },
};
