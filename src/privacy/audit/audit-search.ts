import type { Kysely, Selectable } from 'kysely';
import { CATEGORIES, isPurpose, type Category, type Purpose } from '../inventory/index.js';
import {
  AUDIT_DECISIONS,
  AUDIT_OUTCOMES,
  type AuditDecision,
  type AuditDetail,
  type AuditEvent,
  type AuditOutcome,
} from './audit-event.js';
import type { AuditSealTables, SealedAuditEventsTable } from './audit-seal-migration.js';
import { ENTRY_COLUMNS } from './entry-encoding.js';

/** An event as stored, with its place in the log. */
export type StoredAuditEvent = AuditEvent & {
  readonly id: number;
  /** Its place in the sealed chain (1, 2, 3, …); null until the sealer has taken it. */
  readonly seq: number | null;
};

/** One page of events, newest first; pass `nextBefore` as `before` to get the next page. */
export interface AuditPage {
  readonly events: readonly StoredAuditEvent[];
  /** The `before` of the next page, or null when this was the last. */
  readonly nextBefore: number | null;
}

/**
 * Which events, combined with AND; an absent (or undefined) filter does not narrow. Values
 * are compared exactly: the log holds codes and pseudonymous ids, nothing to match loosely.
 */
export interface AuditSearch {
  /** Only events at or after this instant. */
  readonly from?: Date | undefined;
  /** Only events strictly before this instant, so consecutive ranges never overlap. */
  readonly to?: Date | undefined;
  readonly actorId?: string | undefined;
  /** Leaves out one actor's events: a customer's history of what others did with their data. */
  readonly notActorId?: string | undefined;
  readonly subjectId?: string | undefined;
  readonly action?: string | undefined;
  readonly purpose?: Purpose | undefined;
  readonly outcome?: AuditOutcome | undefined;
  readonly decision?: AuditDecision | undefined;
  /** Only events older than this id (keyset pagination: stable while new events arrive). */
  readonly before?: number | undefined;
  /** 1 to 200; 50 when absent. */
  readonly limit?: number | undefined;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
// Named rather than `*`: the seal's hashes are for the verifier, not for readers.
const COLUMNS = ['seq', ...ENTRY_COLUMNS] as const;
type Row = Pick<Selectable<SealedAuditEventsTable>, (typeof COLUMNS)[number]>;

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A stored row as an event. Values that are not what the log accepts (a row written by
 * hand, an older category name) read back as their safest form, never as an exception.
 */
function fromRow(row: Row): StoredAuditEvent {
  const categories = parseJson(row.categories);
  const detail = parseJson(row.detail);
  const event: StoredAuditEvent = {
    id: Number(row.id),
    // PostgreSQL returns bigint as text.
    seq: row.seq === null ? null : Number(row.seq),
    occurredAt: new Date(Number(row.occurred_at)),
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    purpose: row.purpose !== null && isPurpose(row.purpose) ? row.purpose : null,
    subjectId: row.subject_id,
    categories: Array.isArray(categories)
      ? categories.filter(
          (c): c is Category => typeof c === 'string' && Object.hasOwn(CATEGORIES, c),
        )
      : [],
    decision: (AUDIT_DECISIONS as readonly string[]).includes(row.decision)
      ? (row.decision as AuditDecision)
      : 'none',
    requestId: row.request_id,
    outcome: (AUDIT_OUTCOMES as readonly string[]).includes(row.outcome)
      ? (row.outcome as AuditOutcome)
      : 'failure',
  };
  return typeof detail === 'object' && detail !== null && !Array.isArray(detail)
    ? { ...event, detail: detail as AuditDetail }
    : event;
}

/** The page size asked for, within 1 to 200. */
function pageSize(limit: number | undefined): number {
  const wanted = limit === undefined || !Number.isFinite(limit) ? DEFAULT_LIMIT : limit;
  return Math.min(Math.max(Math.trunc(wanted), 1), MAX_LIMIT);
}

/**
 * The events of one side of the seal matching the search, newest first. The lookups by
 * person and by actor index sealed events only (audit-index-migration.ts); unsealed ones
 * are the few the sealer has not taken yet, found through its queue index.
 */
function side(db: Kysely<AuditSealTables>, search: AuditSearch, sealed: boolean, rows: number) {
  let select = db
    .selectFrom('audit_events')
    .select(COLUMNS)
    .where('seq', sealed ? 'is not' : 'is', null)
    .orderBy('id', 'desc')
    .limit(rows);
  const { from, to } = search;
  if (from !== undefined) select = select.where('occurred_at', '>=', from.getTime());
  if (to !== undefined) select = select.where('occurred_at', '<', to.getTime());
  if (search.actorId !== undefined) select = select.where('actor_id', '=', search.actorId);
  if (search.notActorId !== undefined) {
    select = select.where('actor_id', '<>', search.notActorId);
  }
  if (search.subjectId !== undefined) select = select.where('subject_id', '=', search.subjectId);
  if (search.action !== undefined) select = select.where('action', '=', search.action);
  if (search.purpose !== undefined) select = select.where('purpose', '=', search.purpose);
  if (search.outcome !== undefined) select = select.where('outcome', '=', search.outcome);
  if (search.decision !== undefined) select = select.where('decision', '=', search.decision);
  if (search.before !== undefined) select = select.where('id', '<', search.before);
  return select;
}

/**
 * Audit events matching every given filter, newest first, a page at a time: what the
 * security and privacy officers query, and what a customer's access history reads
 * (C3.3). Ordered by id, which only grows, so a page never shifts as events arrive.
 * Sealed and unsealed events are read in one statement, so an event the sealer takes
 * meanwhile is seen exactly once.
 */
export async function searchAuditEvents(
  db: Kysely<AuditSealTables>,
  search: AuditSearch,
): Promise<AuditPage> {
  const limit = pageSize(search.limit);
  const { from, to } = search;
  // An empty or inverted range matches nothing; no need to ask the database.
  if (from !== undefined && to !== undefined && from.getTime() >= to.getTime()) {
    return { events: [], nextBefore: null };
  }
  const rows = await db
    .selectFrom(side(db, search, true, limit + 1).as('sealed'))
    .selectAll()
    .unionAll(db.selectFrom(side(db, search, false, limit + 1).as('unsealed')).selectAll())
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const events = rows.slice(0, limit).map(fromRow);
  const last = events[events.length - 1];
  return { events, nextBefore: rows.length > limit && last !== undefined ? last.id : null };
}
