import type { QueryResult } from 'kysely';

/** The rows a write changed, as a number: 0 when the driver reports none (as Kysely's builder reads it). */
export function rowsAffected(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0n);
}
