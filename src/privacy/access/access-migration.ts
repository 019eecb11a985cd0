import type { Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';

/** One reveal-with-a-reason: who saw which fields of whom in the clear, when and why. */
export interface AccessRevealsTable {
  /** `rvl_…`. */
  id: string;
  subject_id: string;
  staff_id: string;
  /** JSON array of declared field names; never values. */
  fields: string;
  purpose: string;
  /** A ticket reference, letters and digits only, so no free text lands here in the clear. */
  ticket_id: string | null;
  /** The reason, sealed under the subject's key as `access_reveals.reason`. */
  reason: Buffer;
  /** Milliseconds since the epoch, UTC. */
  revealed_at: number;
}

/** Tables of the access module. */
export type AccessTables = {
  access_reveals: AccessRevealsTable;
};

/** Creates `access_reveals`. */
export const accessMigration: NamedMigration = {
  name: '0007_access_reveals',
  migration: {
    async up(db: Kysely<unknown>) {
      const types = columnTypes(db);
      await db.schema
        .createTable('access_reveals')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('subject_id', 'text', (col) => col.notNull())
        .addColumn('staff_id', 'text', (col) => col.notNull())
        .addColumn('fields', 'text', (col) => col.notNull())
        .addColumn('purpose', 'text', (col) => col.notNull())
        .addColumn('ticket_id', 'text')
        .addColumn('reason', types.bytes, (col) => col.notNull())
        .addColumn('revealed_at', types.epochMs, (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('access_reveals_subject')
        .on('access_reveals')
        .column('subject_id')
        .execute();
      // Monitoring of repeated reveals by one staff member (C2.4) reads by this.
      await db.schema
        .createIndex('access_reveals_staff')
        .on('access_reveals')
        .columns(['staff_id', 'revealed_at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('access_reveals').execute();
    },
  },
};
