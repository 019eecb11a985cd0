import type { Generated, Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';

/** One stored audit event; personal data never appears in any column. */
export interface AuditEventsTable {
  /**
   * Insertion order. The sealer that comes later chains events by it; a later migration
   * adds its sequence and hash columns beside these, without rewriting them.
   */
  id: Generated<number>;
  /** Milliseconds since the epoch, UTC. */
  occurred_at: number;
  actor_id: string;
  actor_role: string;
  action: string;
  purpose: string | null;
  subject_id: string | null;
  /** JSON array of category names. */
  categories: string;
  decision: string;
  request_id: string | null;
  outcome: string;
  /** JSON object of non-personal facts, or null. */
  detail: string | null;
}

/** Tables of the audit module. */
export type AuditTables = {
  audit_events: AuditEventsTable;
};

/** Creates `audit_events`, append-only by convention: no code path updates or deletes a row. */
export const auditMigration: NamedMigration = {
  name: '0005_audit_events',
  migration: {
    async up(db: Kysely<unknown>) {
      const types = columnTypes(db);
      await db.schema
        .createTable('audit_events')
        .addColumn('id', types.serial, (col) => col.primaryKey())
        .addColumn('occurred_at', types.epochMs, (col) => col.notNull())
        .addColumn('actor_id', 'text', (col) => col.notNull())
        .addColumn('actor_role', 'text', (col) => col.notNull())
        .addColumn('action', 'text', (col) => col.notNull())
        .addColumn('purpose', 'text')
        .addColumn('subject_id', 'text')
        .addColumn('categories', 'text', (col) => col.notNull())
        .addColumn('decision', 'text', (col) => col.notNull())
        .addColumn('request_id', 'text')
        .addColumn('outcome', 'text', (col) => col.notNull())
        .addColumn('detail', 'text')
        .execute();
      // The customer's access history: one subject's events, newest first.
      await db.schema
        .createIndex('audit_events_subject')
        .on('audit_events')
        .columns(['subject_id', 'id'])
        .execute();
      // Security monitoring: what one actor did, such as repeated reveals.
      await db.schema
        .createIndex('audit_events_actor')
        .on('audit_events')
        .columns(['actor_id', 'id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_events').execute();
    },
  },
};
