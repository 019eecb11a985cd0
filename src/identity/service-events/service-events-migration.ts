import type { Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';

/** What a service event records: a sign-in, a refused sign-in, a sign-out, a new password. */
export type ServiceEventKind = 'login' | 'login_failed' | 'logout' | 'password_change';

/** Every kind, for checks of values read back. */
export const SERVICE_EVENT_KINDS: readonly ServiceEventKind[] = [
  'login',
  'login_failed',
  'logout',
  'password_change',
];

/**
 * One service-interaction log entry (C1.3). The network and the user agent hold vault
 * ciphertext only, sealed under the account's key, so erasing the account erases them.
 */
export interface ServiceEventTable {
  id: string;
  subject_id: string;
  kind: ServiceEventKind;
  ip_truncated: Buffer | null;
  user_agent: Buffer | null;
  occurred_at: number;
}

/** Tables of the service-events module. */
export type ServiceEventTables = { service_events: ServiceEventTable };

/** Creates `service_events`, looked up by subject, newest first. */
export const serviceEventsMigration: NamedMigration = {
  name: '0013_identity_service_events',
  migration: {
    async up(db: Kysely<unknown>) {
      const { bytes } = columnTypes(db);
      await db.schema
        .createTable('service_events')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('subject_id', 'text', (col) => col.notNull())
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('ip_truncated', bytes)
        .addColumn('user_agent', bytes)
        .addColumn('occurred_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('service_events_subject')
        .on('service_events')
        .columns(['subject_id', 'occurred_at'])
        .execute();
      // The 90-day retention sweep (service_log) walks entries by age.
      await db.schema
        .createIndex('service_events_occurred')
        .on('service_events')
        .column('occurred_at')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('service_events').execute();
    },
  },
};
