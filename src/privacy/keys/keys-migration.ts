import type { Generated, Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';

/** One data key per subject, stored only wrapped; a shredded subject keeps a tombstone row. */
export interface SubjectKeyTable {
  /** Insertion order; rotation walks the table by it, so each batch touches adjacent pages. */
  id: Generated<number>;
  subject_id: string;
  key_id: number;
  kek_version: number | null;
  wrapped_key: Buffer | null;
  created_at: number;
  shredded_at: number | null;
}

/** Tables of the keys module. */
export type KeysTables = {
  subject_key: SubjectKeyTable;
};

/** Creates `subject_key`. */
export const keysMigration: NamedMigration = {
  name: '0003_privacy_subject_key',
  migration: {
    async up(db: Kysely<unknown>) {
      const types = columnTypes(db);
      await db.schema
        .createTable('subject_key')
        .addColumn('id', types.serial, (col) => col.primaryKey())
        .addColumn('subject_id', 'text', (col) => col.notNull().unique())
        .addColumn('key_id', 'bigint', (col) => col.notNull())
        .addColumn('kek_version', 'integer')
        .addColumn('wrapped_key', types.bytes)
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('shredded_at', 'bigint')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('subject_key').execute();
    },
  },
};
