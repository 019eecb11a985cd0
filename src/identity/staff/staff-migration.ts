import type { Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';

/** A staff account. Email, password hash and TOTP secret are vault ciphertext. */
export interface StaffTable {
  id: string;
  email: Buffer;
  /** Null until the staff member completes set-up. */
  password_hash: Buffer | null;
  totp_secret: Buffer | null;
  /** The last TOTP time step accepted, so that no code is accepted twice. */
  totp_last_step: number | null;
  /** JSON array of role names. */
  roles: string;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
  /** SHA-256 of the one-time set-up token; null once used. */
  setup_token_hash: string | null;
  setup_expires_at: number | null;
}

/** A one-time recovery code, stored only as its hash. */
export interface StaffRecoveryCodeTable {
  staff_id: string;
  code_hash: string;
  used_at: number | null;
}

/** Tables of the staff module. */
export type StaffTables = {
  staff: StaffTable;
  staff_recovery_codes: StaffRecoveryCodeTable;
};

/** Creates `staff` and `staff_recovery_codes`. */
export const staffMigration: NamedMigration = {
  name: '0010_identity_staff',
  migration: {
    async up(db: Kysely<unknown>) {
      const { bytes } = columnTypes(db);
      await db.schema
        .createTable('staff')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('email', bytes, (col) => col.notNull())
        .addColumn('password_hash', bytes)
        .addColumn('totp_secret', bytes)
        .addColumn('totp_last_step', 'bigint')
        .addColumn('roles', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .addColumn('disabled_at', 'bigint')
        .addColumn('setup_token_hash', 'text', (col) => col.unique())
        .addColumn('setup_expires_at', 'bigint')
        .execute();
      await db.schema
        .createTable('staff_recovery_codes')
        .addColumn('staff_id', 'text', (col) =>
          col.notNull().references('staff.id').onDelete('cascade'),
        )
        .addColumn('code_hash', 'text', (col) => col.notNull())
        .addColumn('used_at', 'bigint')
        .addPrimaryKeyConstraint('staff_recovery_codes_pk', ['staff_id', 'code_hash'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('staff_recovery_codes').execute();
      await db.schema.dropTable('staff').execute();
    },
  },
};
