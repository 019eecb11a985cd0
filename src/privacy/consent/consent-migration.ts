import { sql, type Generated, type Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';

/** One consent choice as it was made: never updated, never deleted. */
export interface ConsentRecordsTable {
  /**
   * Recording order. The latest record per purpose is the current state; the caller's
   * `recorded_at` may repeat or step back, this never does.
   */
  seq: Generated<number>;
  /** `con_…`, quoted on receipts. */
  id: string;
  subject_id: string;
  purpose: string;
  /** 1 granted, 0 not: an integer reads the same on SQLite and PostgreSQL. */
  granted: number;
  policy_version: string;
  /** The exact text shown; it is the shop's text, not the customer's. */
  wording: string;
  collection_point: string;
  /** Milliseconds since the epoch, UTC. */
  recorded_at: number;
}

/** Tables of the consent module. */
export type ConsentTables = {
  consent_records: ConsentRecordsTable;
};

/** Creates `consent_records`. */
export const consentMigration: NamedMigration = {
  name: '0006_consent_records',
  migration: {
    async up(db: Kysely<unknown>) {
      const types = columnTypes(db);
      await db.schema
        .createTable('consent_records')
        .addColumn('seq', types.serial, (col) => col.primaryKey())
        .addColumn('id', 'text', (col) => col.notNull().unique())
        .addColumn('subject_id', 'text', (col) => col.notNull())
        .addColumn('purpose', 'text', (col) => col.notNull())
        .addColumn('granted', 'integer', (col) => col.notNull().check(sql`granted in (0, 1)`))
        .addColumn('policy_version', 'text', (col) => col.notNull())
        .addColumn('wording', 'text', (col) => col.notNull())
        .addColumn('collection_point', 'text', (col) => col.notNull())
        .addColumn('recorded_at', types.epochMs, (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('consent_records_subject')
        .on('consent_records')
        .columns(['subject_id', 'purpose', 'seq'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('consent_records').execute();
    },
  },
};
