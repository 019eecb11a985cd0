import type { Kysely } from 'kysely';
import type { NamedMigration } from './migrations.js';

/** Facts about this installation: when its schema was created, its instance secret. */
export interface InstanceMetaTable {
  key: string;
  value: string;
}

/** Tables owned by platform/db. */
export type PlatformTables = {
  instance_meta: InstanceMetaTable;
};

/** Creates the platform's own tables. */
export const baseMigration: NamedMigration = {
  name: '0001_platform_instance_meta',
  migration: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('instance_meta')
        .addColumn('key', 'text', (col) => col.primaryKey())
        .addColumn('value', 'text', (col) => col.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('instance_meta').execute();
    },
  },
};
