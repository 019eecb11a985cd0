import { sql, type Kysely } from 'kysely';
import type { NamedMigration } from '../../platform/db/index.js';

/** The indexes over sealed events: by seq, and the lookups by person and by actor. */
const SEALED_INDEXES = [
  { name: 'audit_events_seq', columns: ['seq'], unique: true },
  { name: 'audit_events_subject', columns: ['subject_id', 'id'], unique: false },
  { name: 'audit_events_actor', columns: ['actor_id', 'id'], unique: false },
] as const;

async function recreate(db: Kysely<unknown>, sealedOnly: boolean): Promise<void> {
  for (const { name, columns, unique } of SEALED_INDEXES) {
    await db.schema.dropIndex(name).execute();
    let index = db.schema
      .createIndex(name)
      .on('audit_events')
      .columns([...columns]);
    if (unique) index = index.unique();
    if (sealedOnly) index = index.where(sql.ref('seq'), 'is not', null);
    await index.execute();
  }
}

/**
 * Indexes seqs, and the lookups by person and by actor, over sealed events only. An event
 * is written in the transaction of the change it records, and each of these index entries
 * was one more page that transaction's commit wrote; the sealer now adds them a thousand
 * events at a time, as it gives the events their seq. Unsealed events, a few seconds'
 * worth, are found through the sealer's queue index (`audit_events_unsealed`) instead.
 * Every query by seq names a seq, which already rules out null, so it still uses the
 * index; searches read both sides of the seal in one statement (audit-search.ts).
 */
export const auditIndexMigration: NamedMigration = {
  name: '0025_audit_sealed_indexes',
  migration: {
    up: (db) => recreate(db, true),
    down: (db) => recreate(db, false),
  },
};
