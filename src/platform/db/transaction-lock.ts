import { sql, type Transaction } from 'kysely';
import { engineOf } from './engine.js';

/**
 * Serialises transactions that claim the same key until they commit: a check-then-insert
 * (such as "is this email registered?") cannot race. PostgreSQL takes a transaction-level
 * advisory lock; SQLite needs nothing, as its one connection runs one transaction at a time.
 */
export async function lockKeyForTransaction<S>(trx: Transaction<S>, key: string): Promise<void> {
  if (engineOf(trx) !== 'postgres') return;
  // Advisory locks are server-wide; the schema in the key keeps shops on one server apart.
  await sql`select pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || ${key}, 0))`.execute(
    trx,
  );
}
