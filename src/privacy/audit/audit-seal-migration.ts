import { sql, type Kysely } from 'kysely';
import { columnTypes, type NamedMigration } from '../../platform/db/index.js';
import type { AuditEventsTable } from './audit-migration.js';

/** `audit_events` with the columns the sealer fills; all null until an event is sealed. */
export interface SealedAuditEventsTable extends AuditEventsTable {
  /** 1, 2, 3, … in sealing order: the event's leaf index plus one. */
  seq: number | null;
  /** RFC 6962 leaf hash of the canonical entry (entry-encoding.ts). */
  leaf_hash: Buffer | null;
  /** H(chain hash of seq − 1 ‖ leaf_hash). */
  chain_hash: Buffer | null;
}

/** One signed checkpoint: the Merkle root and chain hash of the first `tree_size` entries. */
export interface AuditCheckpointsTable {
  tree_size: number;
  /** The tree size of the checkpoint before this one (0 for the first), signed with it. */
  previous_tree_size: number;
  root_hash: Buffer;
  chain_hash: Buffer;
  /** Milliseconds since the epoch, UTC. */
  signed_at: number;
  key_id: string;
  /** Ed25519 over the checkpoint statement (checkpoint.ts). */
  signature: Buffer;
}

/**
 * Where the sealer left off: the size, chain hash and right-edge frontier of the tree
 * after the last sealed entry, so the next batch needs no pass over the whole log. One
 * row, id 1. It is a cache, not evidence: the verifier never reads it, and the sealer
 * rebuilds it from the leaf hashes when it disagrees with the last sealed entry.
 */
export interface AuditSealStateTable {
  id: number;
  tree_size: number;
  chain_hash: Buffer;
  frontier: Buffer;
}

/** The audit tables as the sealer, verifier and proofs see them. */
export type AuditSealTables = {
  audit_events: SealedAuditEventsTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_seal_state: AuditSealStateTable;
};

/**
 * Adds sealing to the audit log: sequence numbers and hashes on `audit_events`, the
 * signed checkpoints, and the sealer's resume point. Existing rows stay unsealed until
 * the sealer takes them, oldest id first.
 */
export const auditSealMigration: NamedMigration = {
  name: '0012_audit_seal',
  migration: {
    async up(db: Kysely<unknown>) {
      const types = columnTypes(db);
      // SQLite adds one column per ALTER TABLE and cannot add a UNIQUE column: the
      // uniqueness of seq is an index of its own.
      await db.schema.alterTable('audit_events').addColumn('seq', 'bigint').execute();
      await db.schema.alterTable('audit_events').addColumn('leaf_hash', types.bytes).execute();
      await db.schema.alterTable('audit_events').addColumn('chain_hash', types.bytes).execute();
      await db.schema
        .createIndex('audit_events_seq')
        .unique()
        .on('audit_events')
        .column('seq')
        .execute();
      // The sealer's queue: unsealed events by id, without scanning the sealed ones.
      await db.schema
        .createIndex('audit_events_unsealed')
        .on('audit_events')
        .column('id')
        .where(sql.ref('seq'), 'is', null)
        .execute();
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('tree_size', 'bigint', (col) => col.primaryKey())
        .addColumn('previous_tree_size', 'bigint', (col) => col.notNull())
        .addColumn('root_hash', types.bytes, (col) => col.notNull())
        .addColumn('chain_hash', types.bytes, (col) => col.notNull())
        .addColumn('signed_at', types.epochMs, (col) => col.notNull())
        .addColumn('key_id', 'text', (col) => col.notNull())
        .addColumn('signature', types.bytes, (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('audit_seal_state')
        .addColumn('id', 'integer', (col) => col.primaryKey())
        .addColumn('tree_size', 'bigint', (col) => col.notNull())
        .addColumn('chain_hash', types.bytes, (col) => col.notNull())
        .addColumn('frontier', types.bytes, (col) => col.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_seal_state').execute();
      await db.schema.dropTable('audit_checkpoints').execute();
      await db.schema.dropIndex('audit_events_unsealed').execute();
      await db.schema.dropIndex('audit_events_seq').execute();
      await db.schema.alterTable('audit_events').dropColumn('chain_hash').execute();
      await db.schema.alterTable('audit_events').dropColumn('leaf_hash').execute();
      await db.schema.alterTable('audit_events').dropColumn('seq').execute();
    },
  },
};
