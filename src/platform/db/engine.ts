import { PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

/** The two storage engines Custodia runs on. */
export type Engine = 'sqlite' | 'postgres';

/** Which engine a Kysely instance talks to; only platform/db asks this question. */
export function engineOf<S>(db: Kysely<S>): Engine {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error('Unsupported database adapter');
}

/**
 * Column types that differ between the engines, for migrations that must serve both.
 * Everything else (text, integer, bigint, boolean as integer) is spelled the same.
 */
export interface ColumnTypes {
  /** Raw bytes: ciphertext, hashes, keys. */
  readonly bytes: 'blob' | 'bytea';
  /** Milliseconds since the epoch. */
  readonly epochMs: 'bigint';
  /** An auto-incrementing 64-bit key, for append-only logs. */
  readonly serial: 'integer' | 'bigserial';
}

/** The column types for the engine behind `db`. */
export function columnTypes<S>(db: Kysely<S>): ColumnTypes {
  return engineOf(db) === 'postgres'
    ? { bytes: 'bytea', epochMs: 'bigint', serial: 'bigserial' }
    : { bytes: 'blob', epochMs: 'bigint', serial: 'integer' };
}
