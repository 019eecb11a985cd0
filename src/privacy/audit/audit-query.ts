import type { Kysely } from 'kysely';
import { tablesOf } from '../../platform/db/index.js';
import type { AuditTables } from './audit-migration.js';
import type { AuditSealTables } from './audit-seal-migration.js';
import { searchAuditEvents, type AuditPage } from './audit-search.js';

export type { AuditPage, StoredAuditEvent } from './audit-search.js';

/** Which page of which subject's events. */
export interface AuditQuery {
  readonly subjectId: string;
  /** 1 to 200; 50 when absent. */
  readonly limit?: number;
  /** Only events older than this id (keyset pagination: stable while new events arrive). */
  readonly before?: number;
}

/**
 * A subject's audit events, newest first, a page at a time: every event about one
 * person, whoever acted. A shorthand for searchAuditEvents with only a subject.
 */
export async function queryAuditEvents(
  db: Kysely<AuditTables>,
  query: AuditQuery,
): Promise<AuditPage> {
  // Every migrated database has the seal columns (0012_audit_seal); only the type is older.
  return searchAuditEvents(tablesOf<AuditSealTables>(db), {
    subjectId: query.subjectId,
    limit: query.limit,
    before: query.before,
  });
}
