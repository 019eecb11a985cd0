import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';
import type { PersonalField } from '../inventory/index.js';

/** Bytes kept of each HMAC-SHA256: 128 bits, collision-free at any shop's scale. */
export const DIGEST_BYTES = 16;

/** Exact-match lookup rows; deleted with the subject's key on erasure. */
export interface BlindIndexTable {
  field: string;
  digest: Buffer;
  subject_id: string;
  row_id: string;
}

/** Creates `blind_index`. */
export const blindIndexMigration: NamedMigration = {
  name: '0004_privacy_blind_index',
  migration: {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('blind_index')
        .addColumn('field', 'text', (col) => col.notNull())
        .addColumn('digest', columnTypes(db).bytes, (col) => col.notNull())
        .addColumn('subject_id', 'text', (col) => col.notNull())
        .addColumn('row_id', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('blind_index_pk', ['field', 'digest', 'row_id'])
        .execute();
      await db.schema
        .createIndex('blind_index_subject')
        .on('blind_index')
        .column('subject_id')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('blind_index').execute();
    },
  },
};

/**
 * The form a value is indexed in, so that lookups match what a person would call the
 * same value: Unicode NFC, trimmed; email addresses also lower-cased.
 */
export function normaliseForIndex(field: PersonalField, value: string): string {
  const trimmed = value.normalize('NFC').trim();
  return field.mask === 'email' ? trimmed.toLowerCase() : trimmed;
}

/** The truncated keyed HMAC of a normalised value under the field's own key. */
export function blindDigest(fieldKey: Buffer, field: PersonalField, value: string): Buffer {
  return createHmac('sha256', fieldKey)
    .update(normaliseForIndex(field, value), 'utf8')
    .digest()
    .subarray(0, DIGEST_BYTES);
}
